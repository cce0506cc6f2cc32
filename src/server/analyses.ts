import { randomBytes } from 'node:crypto';
import { Subject } from 'rxjs';
import type { App } from '../app.js';
import type { Config } from '../config/schema.js';
import type { InputGuard } from '../ingest/index.js';
import type { SourceGap } from '../ingest/reconnect.js';
import { FakescopeError } from '../errors.js';
import { LiveAnalysis, uploadLimit } from './live-analysis.js';
import type { Metrics } from './metrics.js';
import type { AnalysisStore } from './store.js';
import type { WebhookDispatcher } from './webhooks.js';
import type { AnalysisInfo } from './wire.js';

export interface CreateRequest {
  readonly id?: string;
  readonly kind: AnalysisInfo['kind'];
  /** What the ingest layer opens (a path or URL). */
  readonly input: string;
  /** What the API shows (file name, masked URL). */
  readonly display: string;
  readonly detectors?: readonly string[];
  /** Ingest rules for this kind of input (input-guards.ts). */
  readonly guard?: InputGuard;
  /** Decode as live whatever the URL suggests (CreateUrlBody.live). */
  readonly live?: boolean;
}

/** Refuses new work (E_DISK_FULL, 507) when it would leave less than `minFree` bytes free. */
export function requireFreeSpace(store: Pick<AnalysisStore, 'freeBytes'>, minFree: number, incoming: number): void {
  const free = store.freeBytes();
  if (free === null || minFree === 0) return;
  if (free - incoming < minFree) {
    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
    throw new FakescopeError('E_DISK_FULL', `only ${mb(free)} free in the data directory${incoming ? ` for ${mb(incoming)}` : ''}; server.minFreeBytes keeps ${mb(minFree)}`);
  }
}

/** A fresh analysis id: time-ordered, URL- and file-safe. */
export function newAnalysisId(): string {
  return `${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
}

/**
 * Every analysis the server knows: the stored ones (loaded at start; crash-interrupted ones are
 * marked) and the running ones. At most `server.maxActiveAnalyses` run at once (counting those
 * still opening); more are refused with E_BUSY rather than queued.
 */
export class AnalysisManager {
  private readonly stored = new Map<string, AnalysisInfo>();
  private readonly running = new Map<string, LiveAnalysis>();
  private opening = 0;

  constructor(
    private readonly deps: {
      config: Config;
      app: App;
      store: AnalysisStore;
      metrics: Metrics;
      webhooks: WebhookDispatcher;
    },
  ) {
    for (const info of deps.store.load()) this.stored.set(info.id, info);
  }

  list(): AnalysisInfo[] {
    return [...this.stored.keys()].map((id) => this.get(id) as AnalysisInfo).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  get(id: string): AnalysisInfo | null {
    return this.running.get(id)?.info ?? this.stored.get(id) ?? null;
  }

  live(id: string): LiveAnalysis | null {
    return this.running.get(id) ?? null;
  }

  get activeCount(): number {
    return this.running.size + this.opening;
  }

  /** Opens the input (probe, detectors) and starts the analysis; input errors are thrown. */
  async create(req: CreateRequest): Promise<AnalysisInfo> {
    const { config, store } = this.deps;
    // One App for all analyses: its ONNX sessions are shared (concurrent runs are safe).
    const { app } = this.deps;
    if (this.activeCount >= config.server.maxActiveAnalyses) {
      throw new FakescopeError('E_BUSY', `${this.activeCount} analyses are running (server.maxActiveAnalyses); try again later`);
    }
    requireFreeSpace(store, config.server.minFreeBytes, 0);
    const id = req.id ?? newAnalysisId();
    this.opening++;
    let analysis;
    const gaps = new Subject<SourceGap>();
    try {
      analysis = await app.analyze(req.input, {
        // Stream URLs are monitored: a live one that drops is reconnected (webcam: its end is the end).
        ...(req.kind === 'url' ? { reconnect: config.server.reconnect, onGap: (g: SourceGap) => gaps.next(g) } : {}),
        ...(req.live !== undefined ? { live: req.live } : {}),
        streamId: id,
        keepFrames: req.kind === 'upload',
        ...(req.guard ? { guard: req.guard } : {}),
        ...(req.detectors ? { detectors: req.detectors } : {}),
      });
    } finally {
      this.opening--;
    }
    const now = new Date().toISOString();
    const { info: media, width, height, live } = analysis.source;
    const info: AnalysisInfo = {
      id,
      kind: req.kind,
      input: req.display,
      status: 'starting',
      createdAt: now,
      updatedAt: now,
      frames: 0,
      alerts: 0,
      error: null,
      verdict: null,
      media: { width, height, fps: media.fps, durationMs: media.durationMs, still: media.still },
      live,
    };
    store.create(info);
    const limit = req.kind === 'upload' ? uploadLimit(config.server.upload.maxDurationS, media.fps) : null;
    const session = new LiveAnalysis(info, analysis, this.deps, limit, gaps);
    this.running.set(id, session);
    this.stored.set(id, info);
    void session.finished().then(() => {
      this.stored.set(id, session.info);
      this.running.delete(id);
    });
    session.start();
    return session.info;
  }

  stop(id: string): AnalysisInfo {
    const session = this.running.get(id);
    if (!session) {
      const info = this.get(id);
      if (!info) throw new FakescopeError('E_NOT_FOUND', `no analysis ${id}`);
      return info;
    }
    session.stop();
    return session.info;
  }

  /** Stops every running analysis and waits until their reports are stored. */
  async close(): Promise<void> {
    const sessions = [...this.running.values()];
    for (const s of sessions) s.stop();
    await Promise.all(sessions.map((s) => s.finished()));
  }
}
