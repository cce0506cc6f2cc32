import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A pipe for a child's stdout whose read end Node can wrap in a `net.Socket` with `onread`, so
 * ffmpeg's bytes land in buffers the reader chose (the frame being filled) instead of a fresh
 * 64 KiB chunk per read that is then copied: half the bytes allocated per frame, hence fewer
 * garbage collections, and one copy fewer (docs/benchmarks.md, "Frames read in place").
 *
 * Node cannot create an anonymous pipe, so this makes a FIFO in a private temporary directory,
 * opens both ends (the read end first and non-blocking, so neither open waits) and removes the
 * directory at once: the open descriptors keep the pipe alive, and nothing is left on disk. The
 * write end is for the child (its stdio[1]); the caller closes its own copy after spawning, so
 * the read end sees end-of-file when the child exits. Returns null where this cannot be done
 * (Windows, no `mkfifo`, no writable temporary directory): the caller then uses a plain pipe.
 */
export interface FifoPair {
  readonly readFd: number;
  readonly writeFd: number;
}

export function openFifoPair(): FifoPair | null {
  if (process.platform === 'win32') return null;
  let dir: string | undefined;
  let readFd: number | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), 'fakescope-ff-'));
    const path = join(dir, 'stdout');
    const made = spawnSync('mkfifo', ['-m', '600', path], { stdio: 'ignore' });
    if (made.status !== 0) return null;
    readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeFd = openSync(path, constants.O_WRONLY);
    return { readFd, writeFd };
  } catch {
    if (readFd !== undefined) closeSync(readFd);
    return null;
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}
