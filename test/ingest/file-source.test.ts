import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import { concatMap, firstValueFrom, lastValueFrom, map, take, timer, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/core/frame.js';
import { openSource, pullFrames } from '../../src/ingest/index.js';
import { childPids, makeClip, makeTruncated, makeVfrClip, meanByte, tempDir } from '../helpers/media.js';
import { serveDir } from '../helpers/http.js';

let dir: string;
let cleanup: () => Promise<void>;
let clip: string; // 320x240, 25 fps, 1 s

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  clip = await makeClip(dir);
});
afterAll(() => cleanup());

/** Every frame, then how the stream ended (null = complete). */
function collect(frames$: Observable<Frame>): Promise<{ frames: Frame[]; error: unknown }> {
  return new Promise((resolve) => {
    const frames: Frame[] = [];
    frames$.subscribe({
      next: (f) => frames.push(f),
      error: (error: unknown) => resolve({ frames, error }),
      complete: () => resolve({ frames, error: null }),
    });
  });
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('file source: frames', () => {
  it('decodes every frame, scaled, numbered, timed and in buffers of its own', async () => {
    const source = await openSource(clip, { streamId: 'cam1', analysisWidth: 160 });
    expect(source).toMatchObject({ width: 160, height: 120, live: false });
    const { frames, error } = await collect(source.frames());
    expect(error).toBeNull();
    expect(frames).toHaveLength(25);
    expect(frames.map((f) => f.seq)).toEqual([...Array(25).keys()]);
    expect(frames.map((f) => f.ptsMs)).toEqual([...Array(25).keys()].map((i) => i * 40));
    for (const f of frames) {
      expect(f).toMatchObject({ streamId: 'cam1', width: 160, height: 120 });
      expect(f.data).toBeInstanceOf(Uint8Array);
      expect(f.data.length).toBe(160 * 120 * 3);
      expect(Object.isFrozen(f)).toBe(true);
    }
    expect(new Set(frames.map((f) => f.data.buffer)).size).toBe(25);
    expect(meanByte(frames[0]?.data ?? new Uint8Array())).toBeGreaterThan(20);
    expect(frames[0]?.data).not.toEqual(frames[24]?.data); // testsrc2 moves
    expect(source.stats()).toEqual({ decoded: 25, emitted: 25, dropped: 0 });
  });

  it('is cold: each subscription decodes from the start with its own ffmpeg', async () => {
    const source = await openSource(clip, { streamId: 's', analysisWidth: 80 });
    const a = await lastValueFrom(source.frames().pipe(toArray()));
    const b = await lastValueFrom(source.frames().pipe(toArray()));
    expect(a.map((f) => f.ptsMs)).toEqual(b.map((f) => f.ptsMs));
    expect(a[3]?.data).toEqual(b[3]?.data);
    expect(source.stats().decoded).toBe(50);
  });

  it('keeps the native width of a video narrower than the analysis width', async () => {
    const source = await openSource(clip, { streamId: 's', analysisWidth: 640 });
    expect([source.width, source.height]).toEqual([320, 240]);
    const first = await firstValueFrom(source.frames());
    expect(first.data.length).toBe(320 * 240 * 3);
  });

  it('scales portrait 1080x1920 to 640x1138', async () => {
    const portrait = await makeClip(dir, { width: 1080, height: 1920, seconds: 0.2 });
    const source = await openSource(portrait, { streamId: 's', analysisWidth: 640 });
    expect([source.width, source.height]).toEqual([640, 1138]);
    const frames = await lastValueFrom(source.frames().pipe(toArray()));
    expect(frames).toHaveLength(5);
    expect(frames[0]?.data.length).toBe(640 * 1138 * 3);
  });

  it('gives the real presentation time of each frame of a variable-frame-rate clip', async () => {
    const vfr = await makeVfrClip(dir);
    const source = await openSource(vfr.path, { streamId: 's', analysisWidth: 80 });
    expect(source.info.variableFrameRate).toBe(true);
    const frames = await lastValueFrom(source.frames().pipe(toArray()));
    expect(frames.map((f) => f.ptsMs)).toEqual(vfr.ptsMs);
  });

  it('rate-selects with fps and times frames on that grid', async () => {
    const source = await openSource(clip, { streamId: 's', analysisWidth: 80, fps: 10 });
    const frames = await lastValueFrom(source.frames().pipe(toArray()));
    expect(frames.map((f) => f.ptsMs)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(frames.map((f) => f.seq)).toEqual([...Array(10).keys()]);
  });

  it('decodes H.264 High 4:4:4 (yuv444p) cleanly and like its 4:2:0 twin', async () => {
    const c444 = await makeClip(dir, { pixFmt: 'yuv444p', seconds: 0.4, name: 'c444.mp4' });
    const c420 = await makeClip(dir, { seconds: 0.4, name: 'c420.mp4' });
    const [a, b] = await Promise.all(
      [c444, c420].map(async (p) => {
        const s = await openSource(p, { streamId: 's', analysisWidth: 160 });
        return collect(s.frames());
      }),
    );
    expect(a?.error).toBeNull();
    expect(a?.frames).toHaveLength(10);
    const diff = Math.abs(meanByte(a?.frames[5]?.data ?? new Uint8Array()) - meanByte(b?.frames[5]?.data ?? new Uint8Array()));
    expect(diff).toBeLessThan(3);
  });

  it('delivers frames in the displayed orientation of a rotated clip', async () => {
    const upright = await makeClip(dir, { width: 320, height: 180, seconds: 0.2, name: 'upright.mp4' });
    const rotated = await makeClip(dir, { width: 320, height: 180, seconds: 0.2, rotate: 90, name: 'rotated.mp4' });
    const src = await openSource(rotated, { streamId: 's', analysisWidth: 180 });
    expect([src.width, src.height]).toEqual([180, 320]);
    const r = await firstValueFrom(src.frames());
    const u = await firstValueFrom((await openSource(upright, { streamId: 's', analysisWidth: 320 })).frames());
    // r must be u turned a quarter (one way or the other): compare the red channel both ways.
    const at = (f: Frame, x: number, y: number) => f.data[(y * f.width + x) * 3] ?? 0;
    let cw = 0;
    let ccw = 0;
    for (let y = 0; y < 320; y += 7) {
      for (let x = 0; x < 180; x += 7) {
        cw += Math.abs(at(r, x, y) - at(u, y, 179 - x));
        ccw += Math.abs(at(r, x, y) - at(u, 319 - y, x));
      }
    }
    const samples = Math.ceil(320 / 7) * Math.ceil(180 / 7);
    expect(Math.min(cw, ccw) / samples).toBeLessThan(12);
    expect(Math.max(cw, ccw) / samples).toBeGreaterThan(30);
  });

  it('reads an http(s) file like a local one', async () => {
    const server = await serveDir(dir);
    try {
      const source = await openSource(`${server.url}/${clip.split('/').pop() ?? ''}`, { streamId: 's', analysisWidth: 80 });
      expect(source.live).toBe(false);
      expect(await lastValueFrom(source.frames().pipe(toArray()))).toHaveLength(25);
    } finally {
      await server.close();
    }
  });
});

describe('file source: backpressure and lifecycle', () => {
  it('pulls at the speed of analysis: decoded - consumed stays within readAhead + 1', async () => {
    const long = await makeClip(dir, { seconds: 2, name: 'two_seconds.mp4' }); // 50 frames of 230 KB
    const source = await openSource(long, { streamId: 's', analysisWidth: 320, readAhead: 3 });
    let consumed = 0;
    let worst = 0;
    const seqs = await lastValueFrom(
      pullFrames(source, (f) =>
        timer(15).pipe(
          map(() => {
            worst = Math.max(worst, source.stats().decoded - consumed);
            consumed++;
            return f.seq;
          }),
        ),
      ).pipe(toArray()),
    );
    expect(seqs).toEqual([...Array(50).keys()]);
    expect(worst).toBeLessThanOrEqual(3 + 1);
    expect(source.stats()).toEqual({ decoded: 50, emitted: 50, dropped: 0 });
  });

  it('for contrast: frames() without demand under concatMap reads ahead without bound', async () => {
    const long = await makeClip(dir, { seconds: 2, name: 'two_seconds_c.mp4' });
    const source = await openSource(long, { streamId: 's', analysisWidth: 320, readAhead: 3 });
    let consumed = 0;
    let worst = 0;
    await lastValueFrom(
      source.frames().pipe(
        concatMap((f) =>
          timer(25).pipe(
            map(() => {
              worst = Math.max(worst, source.stats().decoded - consumed);
              consumed++;
              return f.seq;
            }),
          ),
        ),
      ),
    );
    expect(worst).toBeGreaterThan(20);
  });

  it('kills ffmpeg on unsubscribe and leaves no process behind', async () => {
    const long = await makeClip(dir, { seconds: 2, name: 'two_seconds_b.mp4' });
    const source = await openSource(long, { streamId: 's', analysisWidth: 320 });
    const before = new Set(childPids());
    let pid: number | undefined;
    const firstThree = await lastValueFrom(
      pullFrames(source, (f) => {
        pid ??= childPids().find((p) => !before.has(p));
        return [f.seq];
      }).pipe(take(3), toArray()),
    );
    expect(firstThree).toEqual([0, 1, 2]);
    expect(pid).toBeDefined();
    for (let i = 0; i < 100 && !gone(pid as number); i++) await new Promise((r) => setTimeout(r, 20));
    expect(gone(pid as number)).toBe(true);
    expect(childPids()).not.toContain(pid);
  });

  it('delivers every frame before the cut of a truncated file, then says it is truncated', async () => {
    const whole = await makeClip(dir, { seconds: 2, name: 'whole.mp4' });
    const cut = await makeTruncated(whole, 0.3, 'cut.mp4');
    const source = await openSource(cut, { streamId: 's', analysisWidth: 160 });
    const { frames, error } = await collect(source.frames());
    expect(frames.length).toBeGreaterThan(3);
    expect(frames.length).toBeLessThan(50);
    expect(frames.map((f) => f.seq)).toEqual([...Array(frames.length).keys()]);
    expect(error).toMatchObject({ code: 'E_INPUT_CORRUPT', message: expect.stringMatching(/truncated/) });
    expect(String((error as Error).message)).toContain(`(${frames.length} frames delivered)`);
  });

  it('errors with E_FFMPEG_MISSING when ffmpeg is not there', async () => {
    const source = await openSource(clip, { streamId: 's', analysisWidth: 80, ffmpegPath: '/nonexistent/ffmpeg' });
    const { frames, error } = await collect(source.frames());
    expect(frames).toEqual([]);
    expect(error).toMatchObject({ code: 'E_FFMPEG_MISSING' });
  });

  it('ends a stalled input with E_INPUT_UNREACHABLE and kills it', async () => {
    const fake = join(dir, 'stuck-ffmpeg.sh');
    await writeFile(fake, '#!/bin/sh\nexec sleep 30\n');
    await chmod(fake, 0o755);
    const source = await openSource(clip, { streamId: 's', analysisWidth: 80, ffmpegPath: fake, stallTimeoutMs: 300 });
    const before = new Set(childPids());
    const started = Date.now();
    const { error } = await collect(source.frames());
    expect(error).toMatchObject({ code: 'E_INPUT_UNREACHABLE', message: expect.stringMatching(/stalled/) });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(childPids().filter((p) => !before.has(p))).toEqual([]);
  });
});
