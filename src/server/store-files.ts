import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { FakescopeError } from '../errors.js';

/**
 * The file operations the store is built from, each failing in one documented way: a full disk
 * (ENOSPC, EDQUOT) is E_DISK_FULL and leaves no partial or empty temporary file behind; a
 * payload's size and sha256 are recorded next to it and checked when it is read back. Pure apart
 * from the file system.
 */

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

export function isDiskFull(e: unknown): boolean {
  return DISK_FULL.has((e as NodeJS.ErrnoException).code ?? '');
}

/** Runs a write (file or database); a full disk becomes E_DISK_FULL (other errors pass through). */
export function onDisk<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isDiskFull(e)) throw new FakescopeError('E_DISK_FULL', `the disk is full: cannot write ${what}`, { cause: e });
    throw e;
  }
}

/** Writes all of `data` at the fd's position (writeSync may write less than asked on a full disk). */
export function writeAll(fd: number, data: string | Buffer): void {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  let done = 0;
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done);
}

/** Replaces `path` with `data` atomically (temp file, fsync, rename); no temp file is left on failure. */
export function writeAtomic(path: string, data: string | Buffer, what: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  onDisk(what, () => {
    try {
      const fd = openSync(tmp, 'w');
      try {
        writeAll(fd, data);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  });
}

/** Size and sha256 of a payload, as recorded next to it. */
export interface Digest {
  readonly size: number;
  readonly sha256: string;
}

export function digestOf(data: string | Buffer): Digest {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  return { size: buf.length, sha256: createHash('sha256').update(buf).digest('hex') };
}

/** Why a payload does not match its digest (null when it does). */
export function verifyDigest(path: string, expected: Digest): string | null {
  if (!existsSync(path)) return 'missing';
  const actual = digestOf(readFileSync(path));
  if (actual.size !== expected.size) return `size ${actual.size}, recorded ${expected.size} (truncated)`;
  if (actual.sha256 !== expected.sha256) return 'sha256 differs from the recorded one';
  return null;
}

/** Bytes available to the server on the file system holding `dir` (null when unknown). */
export function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** Lines of an NDJSON file that parse; a crash or a full disk can leave the last one half-written. */
export function readNdjson<T>(path: string): T[] {
  if (!existsSync(path)) return [];
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

/**
 * Per-analysis NDJSON files kept open for appending (the frames of running analyses): one file
 * descriptor per analysis until `close`. Writes go through `onDisk`, so a full disk is E_DISK_FULL.
 */
export class NdjsonAppenders {
  private readonly fds = new Map<string, number>();

  constructor(
    private readonly pathOf: (id: string) => string,
    private readonly what: string,
  ) {}

  append(id: string, value: unknown): void {
    onDisk(`${this.what} of ${id}`, () => {
      let fd = this.fds.get(id);
      if (fd === undefined) {
        fd = openSync(this.pathOf(id), 'a');
        this.fds.set(id, fd);
      }
      writeAll(fd, `${JSON.stringify(value)}\n`);
    });
  }

  close(id: string): void {
    const fd = this.fds.get(id);
    if (fd !== undefined) closeSync(fd);
    this.fds.delete(id);
  }

  closeAll(): void {
    for (const id of [...this.fds.keys()]) this.close(id);
  }
}
