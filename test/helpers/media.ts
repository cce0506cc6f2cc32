import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Test media generated on the spot by ffmpeg's lavfi sources, so tests need no fixtures in the
 * repository and no network. Clips are tiny (fractions of a second, small sizes) and encoded with
 * `-preset ultrafast` to keep every test fast. Shared by the ingest tests and the CLI end-to-end
 * test.
 */

const run = promisify(execFile);

/** `../shared/media` next to the repository: research clips that must never be copied in. */
export const SHARED_MEDIA_DIR = fileURLToPath(new URL('../../../shared/media/', import.meta.url));

/** Absolute path of a shared clip, or null when `../shared/media` (or the clip) is absent. */
export function sharedMedia(name: string): string | null {
  const path = join(SHARED_MEDIA_DIR, name);
  return existsSync(path) ? path : null;
}

/** A fresh temporary directory and its cleanup. */
export async function tempDir(prefix = 'fakescope-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface ClipSpec {
  width?: number; // default 320
  height?: number; // default 240
  fps?: number; // default 25
  seconds?: number; // default 1
  /** e.g. 'yuv444p' gives H.264 High 4:4:4 Predictive; default yuv420p. */
  pixFmt?: string;
  /** Display rotation tag, clockwise degrees. */
  rotate?: 0 | 90 | 180 | 270;
  /** Add a sine audio track. */
  audio?: boolean;
  /** moov atom first (default true): a truncated copy then still probes. */
  faststart?: boolean;
  name?: string;
}

/** An H.264 mp4 of ffmpeg's `testsrc2` pattern; returns its path. */
export async function makeClip(dir: string, spec: ClipSpec = {}): Promise<string> {
  const { width = 320, height = 240, fps = 25, seconds = 1, pixFmt = 'yuv420p', rotate = 0 } = spec;
  const name = spec.name ?? `clip_${width}x${height}_${fps}_${pixFmt}_r${rotate}${spec.audio ? '_a' : ''}.mp4`;
  const out = join(dir, name);
  const plain = rotate ? join(dir, `unrotated_${name}`) : out;
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`];
  if (spec.audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  args.push('-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', pixFmt);
  if (spec.audio) args.push('-c:a', 'aac', '-shortest');
  if (spec.faststart !== false) args.push('-movflags', '+faststart');
  await ffmpeg([...args, plain]);
  if (rotate) await setRotation(plain, out, rotate);
  return out;
}

/**
 * ffmpeg 5.x writes a display matrix from the `rotate` tag when remuxing; ffmpeg >= 6 dropped that
 * and takes `-display_rotation` (counter-clockwise) on the input instead.
 */
async function setRotation(src: string, out: string, rotate: number): Promise<void> {
  try {
    await ffmpeg(['-v', 'error', '-y', '-i', src, '-c', 'copy', '-metadata:s:v:0', `rotate=${rotate}`, out]);
    if ((await rotationTag(out)) !== 0) return;
  } catch {
    // fall through to the newer option
  }
  await ffmpeg(['-v', 'error', '-y', '-display_rotation', String(-rotate), '-i', src, '-c', 'copy', out]);
}

async function rotationTag(path: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', path]);
  return /"rotation":\s*-?[1-9]/.test(stdout) ? 1 : 0;
}

/**
 * Variable frame rate: 10 frames 100 ms apart, then 20 frames 40 ms apart (10 fps then 25 fps).
 * Returns the exact presentation times in ms.
 */
export async function makeVfrClip(dir: string, name = 'vfr.mp4'): Promise<{ path: string; ptsMs: number[] }> {
  const out = join(dir, name);
  const ptsMs = Array.from({ length: 30 }, (_, n) => (n < 10 ? n * 100 : 1000 + (n - 10) * 40));
  await ffmpeg([
    '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25', '-frames:v', '30',
    '-vf', "settb=1/1000,setpts='if(lt(N,10),N*100,1000+(N-10)*40)'", '-fps_mode', 'vfr',
    '-enc_time_base', '1:1000', '-video_track_timescale', '1000',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', out,
  ]);
  return { path: out, ptsMs };
}

/** Audio only: a 1 s sine as mp3, wav or m4a. */
export async function makeAudioOnly(dir: string, ext: 'mp3' | 'wav' | 'm4a'): Promise<string> {
  const out = join(dir, `sine.${ext}`);
  await ffmpeg(['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', out]);
  return out;
}

/** An mp3 with cover art: ffprobe lists a "video" stream that is only an attached picture. */
export async function makeMp3WithCover(dir: string): Promise<string> {
  const cover = join(dir, 'cover.png');
  const out = join(dir, 'cover.mp3');
  await ffmpeg(['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x64', '-frames:v', '1', cover]);
  await ffmpeg([
    '-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=1', '-i', cover,
    '-map', '0', '-map', '1', '-c:a', 'libmp3lame', '-c:v', 'png', '-disposition:v', 'attached_pic', out,
  ]);
  return out;
}

/** The first `fraction` of a file's bytes, as a new file. */
export async function makeTruncated(src: string, fraction: number, name = 'truncated.mp4'): Promise<string> {
  const bytes = await readFile(src);
  const out = join(src, '..', name);
  await writeFile(out, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return out;
}

/** Deterministic pseudo-random bytes (same seed, same file). */
export async function makeRandomBytes(dir: string, name = 'random.mp4', size = 65536, seed = 12345): Promise<string> {
  const bytes = new Uint8Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    bytes[i] = s >>> 24;
  }
  const out = join(dir, name);
  await writeFile(out, bytes);
  return out;
}

export async function makeTextFile(dir: string, name = 'notes.txt'): Promise<string> {
  const out = join(dir, name);
  await writeFile(out, 'These are not the frames you are looking for.\nSecond line.\n');
  return out;
}

export async function makeEmptyFile(dir: string, name = 'empty.mp4'): Promise<string> {
  const out = join(dir, name);
  await writeFile(out, '');
  return out;
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}

/**
 * Pids of this process's live children (Linux /proc), to prove a killed ffmpeg is reaped: a
 * zombie would still be listed here until waited for.
 */
export function childPids(): number[] {
  const taskDir = `/proc/${process.pid}/task`;
  if (!existsSync(taskDir)) return [];
  return readdirSync(taskDir).flatMap((tid) => {
    try {
      return readFileSync(join(taskDir, tid, 'children'), 'utf8').split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
}

/** Mean of an RGB24 buffer's bytes (0-255), a cheap check that a frame is not blank or garbage. */
export function meanByte(data: Uint8Array): number {
  let sum = 0;
  for (const b of data) sum += b;
  return data.length ? sum / data.length : 0;
}

async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', args, { maxBuffer: 16 * 1024 * 1024, timeout: 30_000 });
}
