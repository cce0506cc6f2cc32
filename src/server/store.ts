import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertWire, AnalysisInfo } from './wire.js';

/**
 * Persistence in plain files under `dataDir` (no database to set up):
 *
 *   analyses/<id>/info.json           AnalysisInfo, replaced atomically (write + rename)
 *   analyses/<id>/alerts.ndjson       alert events, appended as they happen
 *   analyses/<id>/frames.ndjson       frame results, appended per frame
 *   analyses/<id>/report.json         final report (atomic); report.partial.json while running
 *   uploads/<id>                      the uploaded file
 *
 * Appends are synchronous, so a crash loses at most the line being written. On start, an analysis
 * whose info still says starting/running was cut off by a crash: it is marked `interrupted`, and
 * its last checkpoint (report.partial.json + frames.ndjson) stays downloadable.
 */
export class AnalysisStore {
  private readonly frameFds = new Map<string, number>();

  constructor(readonly dataDir: string) {
    mkdirSync(join(dataDir, 'analyses'), { recursive: true });
    mkdirSync(join(dataDir, 'uploads'), { recursive: true });
  }

  /** Loads every stored analysis, marking those a crash interrupted. Newest first. */
  load(now: () => string = () => new Date().toISOString()): AnalysisInfo[] {
    const out: AnalysisInfo[] = [];
    for (const id of readdirSync(join(this.dataDir, 'analyses'))) {
      const path = this.file(id, 'info.json');
      if (!existsSync(path)) continue;
      let info: AnalysisInfo;
      try {
        info = JSON.parse(readFileSync(path, 'utf8')) as AnalysisInfo;
      } catch {
        continue; // an info.json is only ever replaced whole; unreadable means not ours
      }
      if (info.status === 'starting' || info.status === 'running') {
        info = { ...info, status: 'interrupted', updatedAt: now(), error: { code: 'E_INTERRUPTED', message: 'the server stopped while this analysis was running' } };
        this.saveInfo(info);
      }
      out.push(info);
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  saveInfo(info: AnalysisInfo): void {
    this.writeAtomic(this.file(info.id, 'info.json'), JSON.stringify(info));
  }

  appendAlert(id: string, alert: AlertWire): void {
    appendFileSync(this.file(id, 'alerts.ndjson'), `${JSON.stringify(alert)}\n`);
  }

  alerts(id: string): AlertWire[] {
    return readNdjson<AlertWire>(this.file(id, 'alerts.ndjson'));
  }

  appendFrame(id: string, frame: unknown): void {
    let fd = this.frameFds.get(id);
    if (fd === undefined) {
      fd = openSync(this.file(id, 'frames.ndjson'), 'a');
      this.frameFds.set(id, fd);
    }
    writeSync(fd, `${JSON.stringify(frame)}\n`);
  }

  closeFrames(id: string): void {
    const fd = this.frameFds.get(id);
    if (fd !== undefined) closeSync(fd);
    this.frameFds.delete(id);
  }

  saveReport(id: string, report: unknown, partial: boolean): void {
    this.writeAtomic(this.file(id, partial ? 'report.partial.json' : 'report.json'), JSON.stringify(report));
    if (!partial) rmSync(this.file(id, 'report.partial.json'), { force: true });
  }

  /** The printable report's thumbnails (src/report/thumbnails.ts), written once at the end. */
  saveThumbnails(id: string, thumbnails: readonly unknown[]): void {
    this.writeAtomic(this.file(id, 'thumbnails.json'), JSON.stringify(thumbnails));
  }

  /** The stored thumbnails; none when absent or unreadable (they are an illustration, not data). */
  thumbnails(id: string): unknown[] {
    try {
      const v: unknown = JSON.parse(readFileSync(this.file(id, 'thumbnails.json'), 'utf8'));
      return Array.isArray(v) ? v : [];
    } catch {
      return [];
    }
  }

  /** Path of the final report, else of the last checkpoint, else null. */
  reportPath(id: string): { path: string; partial: boolean } | null {
    const full = this.file(id, 'report.json');
    if (existsSync(full)) return { path: full, partial: false };
    const partial = this.file(id, 'report.partial.json');
    return existsSync(partial) ? { path: partial, partial: true } : null;
  }

  framesPath(id: string): string | null {
    const p = this.file(id, 'frames.ndjson');
    return existsSync(p) ? p : null;
  }

  uploadPath(id: string): string {
    return join(this.dataDir, 'uploads', id);
  }

  removeUpload(id: string): void {
    rmSync(this.uploadPath(id), { force: true });
  }

  /** Creates the folder of a new analysis. */
  create(info: AnalysisInfo): void {
    mkdirSync(join(this.dataDir, 'analyses', info.id), { recursive: true });
    this.saveInfo(info);
  }

  close(): void {
    for (const id of [...this.frameFds.keys()]) this.closeFrames(id);
  }

  private file(id: string, name: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new RangeError(`bad analysis id ${id}`);
    return join(this.dataDir, 'analyses', id, name);
  }

  private writeAtomic(path: string, text: string): void {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
}

function readNdjson<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  // A crash can leave the last line half-written: skip lines that do not parse.
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line) => {
      if (!line) return [];
      try {
        return [JSON.parse(line) as T];
      } catch {
        return [];
      }
    });
}
