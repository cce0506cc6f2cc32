import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { FakescopeError } from '../../errors.js';
import { checkId } from '../embedded-store.js';
import type { Store } from '../store-contract.js';
import type { Digest } from '../store-files.js';
import { type ReportLocation, PayloadFiles } from '../payload-files.js';
import { digestOf, freeBytes, onDisk } from '../store-files.js';

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
  private readonly payloads = new PayloadFiles((id, name) => this.file(id, name));

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
    this.payloads.appendFrame(id, frame);
  }

  closeFrames(id: string): void {
    this.payloads.closeFrames(id);
  }

  /** Writes a report atomically; returns the final one's digest (to record in the Store). */
  writeReport(id: string, report: unknown, partial: boolean): Digest | null {
    const text = JSON.stringify(report);
    if (partial) {
      this.payloads.writeCheckpoint(id, text);
      return null;
    }
    this.payloads.writeFinalReport(id, text);
    return digestOf(text);
  }

  saveThumbnails(id: string, thumbnails: readonly unknown[]): void {
    this.payloads.saveThumbnails(id, thumbnails);
  }

  thumbnails(id: string): unknown[] {
    return this.payloads.thumbnails(id);
  }

  /**
   * The final report, verified against the digest in `store` (parsed when the worker died before
   * recording it), else the last checkpoint, else null; a final report that fails is E_STORE_CORRUPT.
   */
  async reportPath(id: string, store: Store): Promise<ReportLocation | null> {
    const digest = this.payloads.hasFinalReport(id) ? await store.digest(id, 'report.json') : null;
    return this.payloads.reportPath(id, digest);
  }

  framesPath(id: string): string | null {
    return this.payloads.framesPath(id);
  }

  freeBytes(): number | null {
    return freeBytes(this.root);
  }

  close(): void {
    this.payloads.close();
  }

  private dir(id: string): string {
    checkId(id);
    return join(this.root, 'analyses', id);
  }

  private file(id: string, name: string): string {
    return join(this.dir(id), name);
  }
}
