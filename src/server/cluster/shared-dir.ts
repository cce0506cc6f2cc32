import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { FakescopeError } from '../../errors.js';
import { checkId } from '../embedded-store.js';
import type { Store } from '../store-contract.js';
import type { Digest } from '../store-files.js';
import { NdjsonAppenders, digestOf, freeBytes, onDisk, verifyDigest, writeAtomic } from '../store-files.js';

/**
 * The cluster's shared directory (`server.dataDir`, the same path on every node: NFS, a shared
 * volume). Uploads are content-addressed, so a job names its input by sha256 and any worker can
 * check it has the very bytes the API node received:
 *
 *   uploads/<sha256>                  an uploaded file (kept: several analyses may share it)
 *   uploads/.incoming-<id>            an upload still being received by an API node
 *   analyses/<id>/frames.ndjson       frame results, appended by the worker running it
 *   analyses/<id>/report.json         final report (atomic); its size and sha256 are in the Store
 *   analyses/<id>/report.partial.json checkpoint while running
 *   analyses/<id>/thumbnails.json     the printable report's pictures
 */
export class SharedDir {
  private readonly frameFiles = new NdjsonAppenders((id) => this.file(id, 'frames.ndjson'), 'frames');

  constructor(readonly root: string) {
    mkdirSync(join(root, 'analyses'), { recursive: true });
    mkdirSync(join(root, 'uploads'), { recursive: true });
  }

  /** Where an API node receives the upload of analysis `id` before it knows its sha256. */
  uploadPath(id: string): string {
    checkId(id);
    return join(this.root, 'uploads', `.incoming-${id}`);
  }

  removeUpload(id: string): void {
    rmSync(this.uploadPath(id), { force: true });
  }

  /** Moves a received upload to `uploads/<sha256>`; returns the sha256. */
  async commitUpload(id: string): Promise<string> {
    const incoming = this.uploadPath(id);
    const hash = createHash('sha256');
    await pipeline(createReadStream(incoming), hash);
    const sha256 = hash.digest('hex');
    const target = this.uploadBySha(sha256);
    if (existsSync(target)) rmSync(incoming, { force: true });
    else onDisk('the upload', () => renameSync(incoming, target));
    return sha256;
  }

  uploadBySha(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new FakescopeError('E_BAD_REQUEST', 'not a sha256');
    return join(this.root, 'uploads', sha256);
  }

  /** The upload of a job, checked against its sha256 (a damaged or missing file is refused). */
  verifiedUpload(sha256: string): string {
    const path = this.uploadBySha(sha256);
    if (!existsSync(path)) throw new FakescopeError('E_INPUT_MISSING', `the upload ${sha256.slice(0, 12)}… is not in the shared directory ${this.root} (is it shared with this worker?)`);
    if (digestOf(readFileSync(path)).sha256 !== sha256) throw new FakescopeError('E_STORE_CORRUPT', `the upload ${sha256.slice(0, 12)}… in the shared directory does not match its sha256`);
    return path;
  }

  prepare(id: string): void {
    onDisk(`analysis ${id}`, () => mkdirSync(this.dir(id), { recursive: true }));
  }

  /** Starts the frames over (an upload taken over from a dead worker is analysed again). */
  resetFrames(id: string): void {
    this.closeFrames(id);
    rmSync(this.file(id, 'frames.ndjson'), { force: true });
    rmSync(this.file(id, 'report.partial.json'), { force: true });
  }

  appendFrame(id: string, frame: unknown): void {
    this.frameFiles.append(id, frame);
  }

  closeFrames(id: string): void {
    this.frameFiles.close(id);
  }

  /** Writes a report atomically; returns the final one's digest (to record in the Store). */
  writeReport(id: string, report: unknown, partial: boolean): Digest | null {
    const text = JSON.stringify(report);
    if (partial) {
      writeAtomic(this.file(id, 'report.partial.json'), text, `the checkpoint of ${id}`);
      return null;
    }
    writeAtomic(this.file(id, 'report.json'), text, `the report of ${id}`);
    rmSync(this.file(id, 'report.partial.json'), { force: true });
    return digestOf(text);
  }

  saveThumbnails(id: string, thumbnails: readonly unknown[]): void {
    writeAtomic(this.file(id, 'thumbnails.json'), JSON.stringify(thumbnails), `the thumbnails of ${id}`);
  }

  thumbnails(id: string): unknown[] {
    try {
      const v: unknown = JSON.parse(readFileSync(this.file(id, 'thumbnails.json'), 'utf8'));
      return Array.isArray(v) ? v : [];
    } catch {
      return [];
    }
  }

  /**
   * The final report, verified against the digest in `store` (parsed when the worker died before
   * recording it), else the last checkpoint, else null; a final report that fails is E_STORE_CORRUPT.
   */
  async reportPath(id: string, store: Store): Promise<{ path: string; partial: boolean } | null> {
    const full = this.file(id, 'report.json');
    if (existsSync(full)) {
      const d = await store.digest(id, 'report.json');
      const problem = d ? verifyDigest(full, d) : parses(full);
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

  freeBytes(): number | null {
    return freeBytes(this.root);
  }

  close(): void {
    this.frameFiles.closeAll();
  }

  private dir(id: string): string {
    checkId(id);
    return join(this.root, 'analyses', id);
  }

  private file(id: string, name: string): string {
    return join(this.dir(id), name);
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
