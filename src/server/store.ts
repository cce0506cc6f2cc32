import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { FakescopeError, describeError } from '../errors.js';
import type { Digest } from './store-files.js';
import { digestOf, freeBytes, onDisk, readNdjson, verifyDigest, writeAll, writeAtomic } from './store-files.js';
import type { AlertWire } from './wire.js';
import { AnalysisInfo } from './wire.js';

/**
 * Persistence in plain files under `dataDir` (no database to set up):
 *
 *   analyses/<id>/info.json           AnalysisInfo, replaced atomically (write + fsync + rename)
 *   analyses/<id>/alerts.ndjson       alert events, appended as they happen
 *   analyses/<id>/frames.ndjson       frame results, appended per frame
 *   analyses/<id>/report.json         final report (atomic), with report.json.digest {size, sha256};
 *                                     report.partial.json while running
 *   uploads/<id>                      the uploaded file (removed when its analysis fails)
 *   quarantine/<name>-<time>/         records that could not be read, moved aside at start
 *
 * Appends are synchronous, so a crash loses at most the line being written. On start, an analysis
 * whose info still says starting/running was cut off by a crash: it is marked `interrupted`, and
 * its last checkpoint (report.partial.json + frames.ndjson) stays downloadable. A record that is
 * not a valid AnalysisInfo (unparseable, truncated, wrong shape, id not its folder's) is moved to
 * `quarantine/` and listed in `quarantined`, never fatal. Every write that finds the disk full
 * throws E_DISK_FULL and leaves what was written before intact.
 */
export interface QuarantinedRecord {
  readonly name: string;
  readonly reason: string;
  readonly movedTo: string | null;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export class AnalysisStore {
  readonly quarantined: QuarantinedRecord[] = [];
  private readonly frameFds = new Map<string, number>();

  constructor(readonly dataDir: string) {
    mkdirSync(join(dataDir, 'analyses'), { recursive: true });
    mkdirSync(join(dataDir, 'uploads'), { recursive: true });
  }

  /** Loads every stored analysis, marking those a crash interrupted and quarantining bad ones. Newest first. */
  load(now: () => string = () => new Date().toISOString()): AnalysisInfo[] {
    const out: AnalysisInfo[] = [];
    for (const name of readdirSync(join(this.dataDir, 'analyses'))) {
      const dir = join(this.dataDir, 'analyses', name);
      const path = join(dir, 'info.json');
      if (!ID.test(name)) {
        this.quarantine(name, 'folder name is not an analysis id');
        continue;
      }
      // A crash mid-write leaves a temporary file; the record it was replacing is still whole.
      for (const f of readdirSync(dir)) if (f.endsWith('.tmp')) rmSync(join(dir, f), { force: true });
      if (!existsSync(path)) continue; // a folder being created, or not ours
      let info: AnalysisInfo;
      try {
        info = parseInfo(readFileSync(path, 'utf8'), name);
      } catch (e) {
        this.quarantine(name, `info.json: ${describeError(e)}`);
        continue;
      }
      if (info.status === 'starting' || info.status === 'running') {
        info = { ...info, status: 'interrupted', updatedAt: now(), error: { code: 'E_INTERRUPTED', message: 'the server stopped while this analysis was running' } };
        this.trySave(info); // on a full disk the mark stays in memory; reads go on
      }
      out.push(info);
    }
    this.removeOrphanUploads(new Set(out.filter((i) => i.status !== 'failed').map((i) => i.id)));
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  saveInfo(info: AnalysisInfo): void {
    writeAtomic(this.file(info.id, 'info.json'), JSON.stringify(info), `analysis ${info.id}`);
  }

  /** saveInfo that reports a full disk instead of throwing (for end-of-analysis bookkeeping). */
  trySave(info: AnalysisInfo): boolean {
    try {
      this.saveInfo(info);
      return true;
    } catch {
      return false;
    }
  }

  appendAlert(id: string, alert: AlertWire): void {
    onDisk(`alerts of ${id}`, () => appendFileSync(this.file(id, 'alerts.ndjson'), `${JSON.stringify(alert)}\n`));
  }

  alerts(id: string): AlertWire[] {
    return readNdjson<AlertWire>(this.file(id, 'alerts.ndjson'));
  }

  appendFrame(id: string, frame: unknown): void {
    onDisk(`frames of ${id}`, () => {
      let fd = this.frameFds.get(id);
      if (fd === undefined) {
        fd = openSync(this.file(id, 'frames.ndjson'), 'a');
        this.frameFds.set(id, fd);
      }
      writeAll(fd, `${JSON.stringify(frame)}\n`);
    });
  }

  closeFrames(id: string): void {
    const fd = this.frameFds.get(id);
    if (fd !== undefined) closeSync(fd);
    this.frameFds.delete(id);
  }

  /** Writes a report; the final one gets its size and sha256 recorded (checked by `reportPath`). */
  saveReport(id: string, report: unknown, partial: boolean): void {
    const text = JSON.stringify(report);
    if (partial) {
      writeAtomic(this.file(id, 'report.partial.json'), text, `the checkpoint of ${id}`);
      return;
    }
    // Digest first: a crash between the two leaves a digest that does not match, never a report
    // that is trusted without one.
    writeAtomic(this.file(id, 'report.json.digest'), JSON.stringify(digestOf(text)), `the report of ${id}`);
    writeAtomic(this.file(id, 'report.json'), text, `the report of ${id}`);
    rmSync(this.file(id, 'report.partial.json'), { force: true });
  }

  /**
   * Path of the final report (verified against its digest, or parsed when it predates digests),
   * else of the last checkpoint, else null. A final report that fails the check is E_STORE_CORRUPT.
   */
  reportPath(id: string): { path: string; partial: boolean } | null {
    const full = this.file(id, 'report.json');
    if (existsSync(full)) {
      const problem = this.checkReport(id, full);
      if (problem === null) return { path: full, partial: false };
      throw new FakescopeError('E_STORE_CORRUPT', `the stored report of ${id} is damaged (${problem}); its frames are still at /frames`);
    }
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

  /** Bytes free on the data directory's file system (null when unknown). */
  freeBytes(): number | null {
    return freeBytes(this.dataDir);
  }

  /** Creates the folder of a new analysis. */
  create(info: AnalysisInfo): void {
    onDisk(`analysis ${info.id}`, () => mkdirSync(join(this.dataDir, 'analyses', info.id), { recursive: true }));
    this.saveInfo(info);
  }

  close(): void {
    for (const id of [...this.frameFds.keys()]) this.closeFrames(id);
  }

  private checkReport(id: string, path: string): string | null {
    const digestPath = this.file(id, 'report.json.digest');
    if (existsSync(digestPath)) {
      try {
        return verifyDigest(path, JSON.parse(readFileSync(digestPath, 'utf8')) as Digest);
      } catch {
        return 'its digest is unreadable';
      }
    }
    try {
      JSON.parse(readFileSync(path, 'utf8'));
      return null;
    } catch {
      return 'not complete JSON';
    }
  }

  private quarantine(name: string, reason: string): void {
    const target = join(this.dataDir, 'quarantine', `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}-${Date.now()}`);
    let movedTo: string | null = null;
    try {
      mkdirSync(join(this.dataDir, 'quarantine'), { recursive: true });
      renameSync(join(this.dataDir, 'analyses', name), target);
      movedTo = target;
    } catch {
      // left in place (read-only or full disk); still reported
    }
    this.quarantined.push({ name, reason, movedTo });
  }

  /** Uploads whose analysis is gone or failed take space for nothing. */
  private removeOrphanUploads(keep: ReadonlySet<string>): void {
    for (const name of readdirSync(join(this.dataDir, 'uploads'))) if (!keep.has(name)) rmSync(join(this.dataDir, 'uploads', name), { force: true, recursive: true });
  }

  private file(id: string, name: string): string {
    if (!ID.test(id)) throw new RangeError(`bad analysis id ${id}`);
    return join(this.dataDir, 'analyses', id, name);
  }
}

/** An info.json's text as an AnalysisInfo of folder `id`, or a one-line reason it is not one. */
export function parseInfo(text: string, id: string): AnalysisInfo {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(text.trim() === '' ? 'empty' : 'not complete JSON (truncated?)');
  }
  if (!Value.Check(AnalysisInfo, value)) {
    const first = [...Value.Errors(AnalysisInfo, value)][0];
    throw new Error(`not an analysis record (${first ? `${first.path || '/'} ${first.message}` : 'wrong shape'})`);
  }
  if (value.id !== id) throw new Error(`its id "${value.id}" is not its folder's`);
  return value;
}
