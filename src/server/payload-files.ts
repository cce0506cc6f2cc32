import { existsSync, readFileSync, rmSync } from 'node:fs';
import { FakescopeError } from '../errors.js';
import type { Digest } from './store-files.js';
import { NdjsonAppenders, verifyDigest, writeAtomic } from './store-files.js';

/** Where a stored report is: the final one, or the last checkpoint of a running analysis. */
export interface ReportLocation {
  readonly path: string;
  readonly partial: boolean;
}

/**
 * The payload files of each analysis folder, the same in the single-process store (store.ts) and
 * the cluster's shared directory (cluster/shared-dir.ts), which differ in where the folders are
 * and where a final report's digest is recorded:
 *
 *   frames.ndjson       frame results, appended per frame
 *   report.json         final report (atomic: temp file, fsync, rename); its digest is recorded
 *                       by the owner and checked on read
 *   report.partial.json checkpoint while running
 *   thumbnails.json     the printable report's pictures
 */
export class PayloadFiles {
  private readonly frames: NdjsonAppenders;

  /** `fileOf(id, name)`: the path of file `name` of analysis `id` (checking the id). */
  constructor(private readonly fileOf: (id: string, name: string) => string) {
    this.frames = new NdjsonAppenders((id) => fileOf(id, 'frames.ndjson'), 'frames');
  }

  appendFrame(id: string, frame: unknown): void {
    this.frames.append(id, frame);
  }

  closeFrames(id: string): void {
    this.frames.close(id);
  }

  /** Replaces the checkpoint of a running analysis. */
  writeCheckpoint(id: string, text: string): void {
    writeAtomic(this.fileOf(id, 'report.partial.json'), text, `the checkpoint of ${id}`);
  }

  /** Writes the final report and drops the checkpoint (its digest is the owner's to record). */
  writeFinalReport(id: string, text: string): void {
    writeAtomic(this.fileOf(id, 'report.json'), text, `the report of ${id}`);
    rmSync(this.fileOf(id, 'report.partial.json'), { force: true });
  }

  saveThumbnails(id: string, thumbnails: readonly unknown[]): void {
    writeAtomic(this.fileOf(id, 'thumbnails.json'), JSON.stringify(thumbnails), `the thumbnails of ${id}`);
  }

  /** The stored thumbnails; none when absent or unreadable (they are an illustration, not data). */
  thumbnails(id: string): unknown[] {
    try {
      const v: unknown = JSON.parse(readFileSync(this.fileOf(id, 'thumbnails.json'), 'utf8'));
      return Array.isArray(v) ? v : [];
    } catch {
      return [];
    }
  }

  hasFinalReport(id: string): boolean {
    return existsSync(this.fileOf(id, 'report.json'));
  }

  /**
   * The final report, verified against `digest` (parsed when none was recorded), else the last
   * checkpoint, else null. A final report that fails the check is E_STORE_CORRUPT.
   */
  reportPath(id: string, digest: Digest | null): ReportLocation | null {
    const full = this.fileOf(id, 'report.json');
    if (existsSync(full)) {
      const problem = digest ? verifyDigest(full, digest) : parses(full);
      if (problem === null) return { path: full, partial: false };
      throw new FakescopeError('E_STORE_CORRUPT', `the stored report of ${id} is damaged (${problem}); its frames are still at /frames`);
    }
    const partial = this.fileOf(id, 'report.partial.json');
    return existsSync(partial) ? { path: partial, partial: true } : null;
  }

  framesPath(id: string): string | null {
    const p = this.fileOf(id, 'frames.ndjson');
    return existsSync(p) ? p : null;
  }

  close(): void {
    this.frames.closeAll();
  }
}

function parses(path: string): string | null {
  try {
    JSON.parse(readFileSync(path, 'utf8'));
    return null;
  } catch {
    return 'not complete JSON';
  }
}
