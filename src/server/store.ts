import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { Database as Db } from 'better-sqlite3';
import { describeError } from '../errors.js';
import { openDatabase } from './db.js';
import { refuseNewerSchema } from './store-schema.js';
import { scanLegacy } from './legacy-import.js';
import type { Digest } from './store-files.js';
import { type ReportLocation, PayloadFiles } from './payload-files.js';
import { digestOf, freeBytes, onDisk } from './store-files.js';
import type { AlertWire } from './wire.js';
import { AnalysisInfo } from './wire.js';

/**
 * Persistence: the database (`db.ts`, `dataDir/fakescope.db`) holds analyses, alerts and the size
 * and sha256 of each stored payload; the payloads are files beside it:
 *
 *   analyses/<id>/frames.ndjson       frame results, appended per frame
 *   analyses/<id>/report.json         final report (atomic: temp file, fsync, rename); its digest
 *                                     is committed first, so a report is never trusted unchecked
 *   analyses/<id>/report.partial.json checkpoint while running
 *   uploads/<id>                      the uploaded file (removed when its analysis fails)
 *   quarantine/<name>-<time>/         folders that could not be imported
 *
 * On start: folders of a plain-files `fakescope-data` (an `info.json`, from before the database)
 * whose id the database does not know are imported (info, alerts, report digest) in one
 * transaction each; rows that are not a valid AnalysisInfo are moved to the quarantine table;
 * analyses still starting/running were cut off by a crash and are marked `interrupted`. None of
 * it is fatal: what was quarantined is listed in `quarantined` (and `/api/health`). Every write
 * that finds the disk full throws E_DISK_FULL and leaves what was written before intact.
 */
export interface QuarantinedRecord {
  readonly name: string;
  readonly reason: string;
  readonly movedTo: string | null;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export class AnalysisStore {
  readonly quarantined: QuarantinedRecord[] = [];
  private readonly payloads = new PayloadFiles((id, name) => this.file(id, name));
  private readonly db: Db;

  constructor(readonly dataDir: string) {
    mkdirSync(join(dataDir, 'analyses'), { recursive: true });
    mkdirSync(join(dataDir, 'uploads'), { recursive: true });
    try {
      this.db = openDatabase(join(dataDir, 'fakescope.db'));
    } catch (e) {
      throw refuseNewerSchema(e, join(dataDir, 'fakescope.db'));
    }
  }

  /** Imports plain-files records, quarantines bad ones, marks crash-interrupted ones. Newest first. */
  load(now: () => string = () => new Date().toISOString()): AnalysisInfo[] {
    this.importLegacy();
    const out: AnalysisInfo[] = [];
    for (const row of this.db.prepare('SELECT id, info FROM analyses').all() as { id: string; info: string }[]) {
      let info: AnalysisInfo;
      try {
        info = parseInfo(row.info, row.id);
      } catch (e) {
        this.quarantineRow(row.id, row.info, describeError(e));
        continue;
      }
      if (info.status === 'starting' || info.status === 'running') {
        info = { ...info, status: 'interrupted', updatedAt: now(), error: { code: 'E_INTERRUPTED', message: 'the server stopped while this analysis was running' } };
        this.trySave(info); // on a full disk the mark stays in memory; reads go on
      }
      // A crash mid-write leaves a temporary file; the payload it was replacing is still whole.
      const dir = join(this.dataDir, 'analyses', row.id);
      if (existsSync(dir)) for (const f of readdirSync(dir)) if (f.endsWith('.tmp')) rmSync(join(dir, f), { force: true });
      out.push(info);
    }
    this.removeOrphanUploads(new Set(out.filter((i) => i.status !== 'failed').map((i) => i.id)));
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  saveInfo(info: AnalysisInfo): void {
    if (!ID.test(info.id)) badId(info.id);
    onDisk(`analysis ${info.id}`, () =>
      this.db
        .prepare('INSERT INTO analyses (id, created_at, info) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET info = excluded.info')
        .run(info.id, info.createdAt, JSON.stringify(info)),
    );
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
    onDisk(`alerts of ${id}`, () => this.db.prepare('INSERT INTO alerts (analysis_id, alert) VALUES (?, ?)').run(id, JSON.stringify(alert)));
  }

  alerts(id: string): AlertWire[] {
    const rows = this.db.prepare('SELECT alert FROM alerts WHERE analysis_id = ? ORDER BY n').all(id) as { alert: string }[];
    return rows.map((r) => JSON.parse(r.alert) as AlertWire);
  }

  appendFrame(id: string, frame: unknown): void {
    this.payloads.appendFrame(id, frame);
  }

  closeFrames(id: string): void {
    this.payloads.closeFrames(id);
  }

  /** Writes a report; the final one's size and sha256 are committed first (checked by `reportPath`). */
  saveReport(id: string, report: unknown, partial: boolean): void {
    const text = JSON.stringify(report);
    if (partial) {
      this.payloads.writeCheckpoint(id, text);
      return;
    }
    this.setDigest(id, 'report.json', digestOf(text));
    this.payloads.writeFinalReport(id, text);
  }

  /** The printable report's thumbnails (src/report/thumbnails.ts), written once at the end. */
  saveThumbnails(id: string, thumbnails: readonly unknown[]): void {
    this.payloads.saveThumbnails(id, thumbnails);
  }

  /** The stored thumbnails; none when absent or unreadable (they are an illustration, not data). */
  thumbnails(id: string): unknown[] {
    return this.payloads.thumbnails(id);
  }

  /**
   * Path of the final report (verified against its digest, or parsed when it has none), else of
   * the last checkpoint, else null. A final report that fails the check is E_STORE_CORRUPT.
   */
  reportPath(id: string): ReportLocation | null {
    return this.payloads.reportPath(id, this.payloads.hasFinalReport(id) ? this.payloadDigest(id, 'report.json') : null);
  }

  framesPath(id: string): string | null {
    return this.payloads.framesPath(id);
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

  /** Creates the record and folder of a new analysis. */
  create(info: AnalysisInfo): void {
    onDisk(`analysis ${info.id}`, () => mkdirSync(join(this.dataDir, 'analyses', info.id), { recursive: true }));
    this.saveInfo(info);
  }

  close(): void {
    this.payloads.close();
    if (this.db.open) this.db.close();
  }

  /** The recorded size and sha256 of a payload file (null when none is recorded). */
  payloadDigest(id: string, name: string): Digest | null {
    return (this.db.prepare('SELECT size, sha256 FROM payloads WHERE analysis_id = ? AND name = ?').get(id, name) as Digest | undefined) ?? null;
  }

  private setDigest(id: string, name: string, d: Digest): void {
    onDisk(`the report of ${id}`, () =>
      this.db.prepare('INSERT INTO payloads (analysis_id, name, size, sha256) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET size = excluded.size, sha256 = excluded.sha256').run(id, name, d.size, d.sha256),
    );
  }

  private importLegacy(): void {
    const known = this.db.prepare('SELECT 1 FROM analyses WHERE id = ?');
    for (const name of readdirSync(join(this.dataDir, 'analyses'))) if (!ID.test(name)) this.quarantineFolder(name, 'folder name is not an analysis id');
    for (const scan of scanLegacy(join(this.dataDir, 'analyses'), (id) => !ID.test(id) || known.get(id) !== undefined, parseInfo)) {
      if ('error' in scan) {
        this.quarantineFolder(scan.name, scan.error);
        continue;
      }
      const { info, alerts, report } = scan.record;
      try {
        this.db.transaction(() => {
          this.saveInfo(info);
          for (const a of alerts) this.appendAlert(info.id, a);
          if (report) this.setDigest(info.id, 'report.json', report);
        })();
        rmSync(join(this.dataDir, 'analyses', info.id, 'info.json'), { force: true }); // the database holds it now
        rmSync(join(this.dataDir, 'analyses', info.id, 'alerts.ndjson'), { force: true });
      } catch {
        // a full disk: imported on a later start
      }
    }
  }

  private quarantineRow(id: string, data: string, reason: string): void {
    try {
      this.db.transaction(() => {
        this.db.prepare('INSERT INTO quarantine (name, reason, at, moved_to, data) VALUES (?, ?, ?, NULL, ?)').run(id, reason, new Date().toISOString(), data);
        this.db.prepare('DELETE FROM analyses WHERE id = ?').run(id);
      })();
    } catch {
      // left in place (full disk); still reported
    }
    this.quarantined.push({ name: id, reason, movedTo: null });
  }

  private quarantineFolder(name: string, reason: string): void {
    const target = join(this.dataDir, 'quarantine', `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}-${Date.now()}`);
    let movedTo: string | null = null;
    try {
      mkdirSync(join(this.dataDir, 'quarantine'), { recursive: true });
      renameSync(join(this.dataDir, 'analyses', name), target);
      movedTo = target;
      this.db.prepare('INSERT INTO quarantine (name, reason, at, moved_to) VALUES (?, ?, ?, ?)').run(name, reason, new Date().toISOString(), movedTo);
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
    if (!ID.test(id)) badId(id);
    return join(this.dataDir, 'analyses', id, name);
  }
}

function badId(id: string): never {
  throw new RangeError(`bad analysis id ${id}`);
}

/** A stored record's text as an AnalysisInfo of `id`, or a one-line reason it is not one. */
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
