/**
 * What the per-face detector benches (blind.ts, identity.ts) share: the median time of repeated
 * async calls after a warm-up, and one synthetic 640×360 frame with one face.
 */
import type { Frame } from '../src/core/frame.js';
import type { TrackedFace } from '../src/core/face.js';

/** Median wall time (ms) of `reps` calls of `fn`, after 5 warm-up calls. */
export async function median(fn: () => Promise<unknown>, reps = 40): Promise<number> {
  for (let i = 0; i < 5; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)] as number;
}

/** A 640×360 frame of a fixed pattern. */
export const BENCH_FRAME: Frame = { streamId: 'b', seq: 0, ptsMs: 0, width: 640, height: 360, data: Uint8Array.from({ length: 640 * 360 * 3 }, (_, i) => (i * 13) % 251) };

const p = (x: number, y: number) => ({ x, y });

/** One tracked face of about 120 px on BENCH_FRAME. */
export const BENCH_FACE: TrackedFace = {
  trackId: 1,
  box: { x: 260, y: 100, w: 120, h: 120 },
  landmarks: { leftEye: p(298, 150), rightEye: p(342, 150), noseTip: p(320, 175), mouth: p(320, 198), leftEar: p(275, 160), rightEar: p(365, 160) },
  score: 0.9,
  source: 'detected',
  age: 0,
};
