/**
 * ffmpeg helpers for the rPPG tests: a round trip of synthetic frames through real H.264
 * compression (libx264), and decoding a clip to RGB frames. Both go through temp files so a few
 * hundred frames never sit in memory at once.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from '../../../src/core/frame.js';

const FFMPEG = process.env.FFMPEG ?? 'ffmpeg';
const FFPROBE = process.env.FFPROBE ?? 'ffprobe';

/** Whether ffmpeg with libx264 can be run here. */
export function x264Available(): boolean {
  const r = spawnSync(FFMPEG, ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('libx264');
}

function ffmpeg(args: string[]): void {
  const r = spawnSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr || r.error?.message}`);
}

/**
 * Encodes `frames` (all the same size) with libx264 at `crf` (ffmpeg's default preset, yuv420p,
 * as a typical upload), decodes back to RGB24 and hands each decoded frame, with the original's
 * metadata, to `consume` in order.
 */
export function x264RoundTrip(frames: Iterable<Frame>, fps: number, crf: number, consume: (frame: Frame) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'fakescope-rppg-'));
  try {
    const raw = join(dir, 'in.rgb');
    const meta: Frame[] = [];
    const fd = openSync(raw, 'w');
    try {
      for (const f of frames) {
        writeSync(fd, f.data);
        meta.push({ ...f, data: new Uint8Array(0) });
      }
    } finally {
      closeSync(fd);
    }
    const first = meta[0];
    if (!first) return;
    const size = `${first.width}x${first.height}`;
    const mp4 = join(dir, 'out.mp4');
    ffmpeg(['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', size, '-r', String(fps), '-i', raw, '-c:v', 'libx264', '-crf', String(crf), '-pix_fmt', 'yuv420p', mp4]);
    const decoded = join(dir, 'out.rgb');
    ffmpeg(['-i', mp4, '-f', 'rawvideo', '-pix_fmt', 'rgb24', decoded]);
    const read = readFrames(decoded, first.width, first.height, meta.length, (data, i) => consume({ ...(meta[i] as Frame), data }));
    if (read !== meta.length) throw new Error(`decoded ${read} of ${meta.length} frames`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads up to `count` packed RGB24 frames of width × height from `path`, in order. */
function readFrames(path: string, width: number, height: number, count: number, consume: (data: Uint8Array, index: number) => void): number {
  const bytes = width * height * 3;
  const fd = openSync(path, 'r');
  try {
    for (let i = 0; i < count; i++) {
      const data = new Uint8Array(bytes);
      const got = readSync(fd, data, 0, bytes, null);
      if (got === 0) return i;
      if (got !== bytes) throw new Error('decoded video ends mid-frame');
      consume(data, i);
    }
    return count;
  } finally {
    closeSync(fd);
  }
}

/**
 * Decodes every frame of a video file to RGB24 and hands it to `consume`, with presentation
 * times from the nominal frame rate (constant-rate clips only).
 */
export function decodeVideo(path: string, consume: (frame: Frame) => void): void {
  const probe = spawnSync(FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,r_frame_rate', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`ffprobe failed: ${probe.stderr}`);
  const [w, h, rate] = probe.stdout.trim().split(',');
  const [num, den] = (rate ?? '').split('/').map(Number);
  const width = Number(w);
  const height = Number(h);
  const fps = (num as number) / (den || 1);
  if (!(width > 0 && height > 0 && fps > 0)) throw new Error(`unexpected ffprobe output: ${probe.stdout}`);
  const dir = mkdtempSync(join(tmpdir(), 'fakescope-rppg-'));
  try {
    const decoded = join(dir, 'out.rgb');
    ffmpeg(['-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', decoded]);
    readFrames(decoded, width, height, Number.MAX_SAFE_INTEGER, (data, seq) =>
      consume({ streamId: path, seq, ptsMs: (seq * 1000) / fps, width, height, data }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
