import { isFakescopeError } from '../../errors.js';
import type { AnalysisSink } from '../live-analysis.js';
import type { Store } from '../store-contract.js';
import type { AlertWire, AnalysisInfo } from '../wire.js';
import type { SharedDir } from './shared-dir.js';

/** What a report of an analysis run by a cluster worker says about it (docs/operations.md). */
export interface ClusterNote {
  readonly worker: string;
  /**
   * Workers that died while running it. Uploads are analysed again from the beginning by the next
   * worker (the report covers the whole clip once, as from one process); a live stream goes on
   * from where the new worker connects, after a `sourceGap` in the feed.
   */
  readonly takeovers: readonly { readonly at: string; readonly by: string; readonly afterSeq: number; readonly mode: 'restart' | 'continue' }[];
}

/**
 * A worker's writes for one running analysis (LiveAnalysis calls them synchronously, per frame):
 * payloads go to the shared directory at once; records go to the Store in order, one at a time,
 * each retried while the store is unreachable (up to `retryMs`) so a short database outage loses
 * nothing. `flush()` waits for them. Uploads are content-addressed and may be shared, so a failed
 * analysis leaves its upload in place.
 */
export class WorkerSink implements AnalysisSink {
  /** Store writes given up after `retryMs` (the state in the database is behind; counted). */
  lost = 0;
  private chain: Promise<void> = Promise.resolve();
  private detached = false;

  constructor(
    private readonly store: Store,
    private readonly files: SharedDir,
    private readonly note: () => ClusterNote,
    private readonly retryMs: number,
  ) {}

  saveInfo(info: AnalysisInfo): void {
    this.enqueue(() => this.store.saveInfo(info));
  }

  trySave(info: AnalysisInfo): boolean {
    this.saveInfo(info);
    return true;
  }

  appendAlert(id: string, alert: AlertWire): void {
    this.enqueue(() => this.store.appendAlert(id, alert));
  }

  appendFrame(id: string, frame: unknown): void {
    if (this.detached) return;
    this.files.appendFrame(id, frame);
  }

  closeFrames(id: string): void {
    this.files.closeFrames(id);
  }

  saveReport(id: string, report: unknown, partial: boolean): void {
    if (this.detached) return;
    const digest = this.files.writeReport(id, { ...(report as object), cluster: this.note() }, partial);
    if (digest) this.enqueue(() => this.store.setDigest(id, 'report.json', digest));
  }

  saveThumbnails(id: string, thumbnails: readonly unknown[]): void {
    if (this.detached) return;
    this.files.saveThumbnails(id, thumbnails);
  }

  removeUpload(): void {
    // content-addressed and possibly shared by other analyses: kept
  }

  /**
   * Writes nothing more: the worker is leaving with this analysis unfinished, and its record must
   * stay `running` for the worker that takes it over.
   */
  detach(): void {
    this.detached = true;
  }

  /** Resolves once every record so far is in the Store (or given up). */
  flush(): Promise<void> {
    return this.chain;
  }

  private enqueue(write: () => Promise<void>): void {
    if (this.detached) return;
    this.chain = this.chain.then(async () => {
      const until = Date.now() + this.retryMs;
      for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
        try {
          await write();
          return;
        } catch (e) {
          const outage = isFakescopeError(e) && e.code === 'E_STORE_UNAVAILABLE';
          if (!outage || Date.now() + delay > until) {
            this.lost++;
            return;
          }
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    });
  }
}
