/**
 * The motion window on synthetic moving textures (test/detectors/motion/synth.ts): the phase
 * signal of a known sinusoidal motion has the motion's amplitude and frequency, lands in the right
 * band, survives jittered timestamps; the window reports filling until full, restarts after a
 * gap, and flags still and frozen faces.
 */
import { describe, expect, it } from 'vitest';
import { MOTION_FEATURES } from '../../../src/detectors/motion/analysis.js';
import { createMotionContext } from '../../../src/detectors/motion/options.js';
import { MotionSampler, type MotionSample } from '../../../src/detectors/motion/sampler.js';
import { MotionWindow, type MotionWindowResult } from '../../../src/detectors/motion/window.js';
import { pearson } from '../../../src/core/stats.js';
import { type MovingSpec, faceOf, landmarksAt, movingFrame } from './synth.js';

const ctx = createMotionContext();
const W = 160;
const H = 120;
const face = faceOf(1, landmarksAt(W / 2, H / 2 - 8));

function run(spec: MovingSpec, times: readonly number[], present: (i: number) => boolean = () => true) {
  const sampler = new MotionSampler(ctx);
  const win = new MotionWindow(ctx);
  const results: MotionWindowResult[] = [];
  const samples: (MotionSample | null)[] = [];
  times.forEach((ms, i) => {
    const s = present(i) ? sampler.sample(movingFrame(spec, i, ms), face) : null;
    samples.push(s);
    const r = win.push(ms, s);
    if (r) results.push(r);
  });
  return { results, samples, last: results[results.length - 1] as MotionWindowResult };
}

const uniform = (fps: number, sec: number) => Array.from({ length: Math.round(fps * sec) }, (_, i) => (i * 1000) / fps);
const sine = (a: number, f: number, dir: 0 | 1 = 0) => (t: number) => {
  const d = a * Math.sin(2 * Math.PI * f * t);
  return dir === 0 ? ([d, 0] as const) : ([0, d] as const);
};
const channelsOf = (s: MotionSample, dir: 0 | 1) => Array.from(s.phase).filter((_, c) => c % 2 === dir);
const mean = (x: readonly number[]) => x.reduce((a, b) => a + b, 0) / x.length;

describe('phase signal of a synthetic moving pattern', () => {
  it.each([
    { a: 0.5, f: 1.5, dir: 0 as const },
    { a: 1.0, f: 2.0, dir: 1 as const },
    { a: 0.3, f: 5.0, dir: 0 as const },
  ])('amplitude $a px at $f Hz (direction $dir) is recovered frame by frame (within 15 %)', ({ a, f, dir }) => {
    const times = uniform(30, 2.5);
    const { samples } = run({ width: W, height: H, shift: sine(a, f, dir) }, times);
    const got = samples.map((s) => mean(channelsOf(s as MotionSample, dir)));
    const want = times.map((ms) => a * Math.sin((2 * Math.PI * f * ms) / 1000));
    expect(pearson(got, want)).toBeGreaterThan(0.995);
    const slope = got.reduce((s, g, i) => s + g * (want[i] as number), 0) / want.reduce((s, w) => s + w * w, 0);
    // Within 15 %, as for a single shift of this mixed texture (phase.test.ts).
    expect(slope).toBeGreaterThan(0.85);
    expect(slope).toBeLessThan(1.15);
    // The other direction does not move.
    const other = samples.map((s) => Math.abs(mean(channelsOf(s as MotionSample, dir === 0 ? 1 : 0))));
    expect(Math.max(...other)).toBeLessThan(0.05 * a);
  });

  it.each([
    { f: 1.5, band: 'low' as const },
    { f: 5.5, band: 'action' as const },
  ])('a $f Hz motion lands in the $band band with RMS ≈ A/√2, and its spectrum peaks at $f Hz', ({ f, band }) => {
    const a = 0.6;
    const { last } = run({ width: W, height: H, shift: sine(a, f) }, uniform(30, 3));
    expect(last.state).toBe('ok');
    const an = last.analysis;
    expect(an?.issues).toEqual([]);
    const inBand = (band === 'low' ? an?.lowRmsPx : an?.actionRmsPx) as number;
    const outBand = (band === 'low' ? an?.actionRmsPx : an?.lowRmsPx) as number;
    // Median over all channels, half of which (the other direction) do not move.
    expect(inBand).toBeGreaterThan(0.2 * (a / Math.SQRT2));
    expect(outBand).toBeLessThan(0.35 * inBand);
    // Spectrum of a moving channel (x channels are even rows).
    const cols = (an?.cols ?? 0) - 2;
    const row = Array.from(an?.map?.subarray(0, cols) ?? []);
    const peakBin = row.indexOf(Math.max(...row)) + 1;
    const df = ctx.options.fs / ctx.plan.n;
    expect(Math.abs(peakBin * df - f)).toBeLessThanOrEqual(df);
  });

  it('timestamps jittering around 25 fps give the same frequency (uniform resampling)', () => {
    const times = uniform(25, 3).map((ms, i) => ms + ((i * 7919) % 9) - 4);
    const { last } = run({ width: W, height: H, shift: sine(0.6, 2) }, times);
    const an = last.analysis;
    const cols = (an?.cols ?? 0) - 2;
    const row = Array.from(an?.map?.subarray(0, cols) ?? []);
    const df = ctx.options.fs / ctx.plan.n;
    expect(Math.abs((row.indexOf(Math.max(...row)) + 1) * df - 2)).toBeLessThanOrEqual(df);
    expect(an?.features?.length).toBe(MOTION_FEATURES.length);
  });
});

describe('MotionWindow states', () => {
  it('reports filling until 64 samples at 30 Hz are covered, then a result every hop', () => {
    const { results } = run({ width: W, height: H, shift: sine(0.5, 2) }, uniform(30, 3.4));
    const firstOk = results.findIndex((r) => r.state === 'ok');
    expect(results.slice(0, firstOk).every((r) => r.state === 'filling' && r.fill < 1)).toBe(true);
    expect((results[firstOk] as MotionWindowResult).tEndMs).toBeGreaterThanOrEqual(2000);
    const okTimes = results.filter((r) => r.state === 'ok').map((r) => r.tEndMs);
    for (let i = 1; i < okTimes.length; i++) expect((okTimes[i] as number) - (okTimes[i - 1] as number)).toBeCloseTo(500, -1);
  });

  it('restarts after the face is gone for longer than maxGapSec', () => {
    const times = uniform(30, 5);
    const { results } = run({ width: W, height: H, shift: sine(0.5, 2) }, times, (i) => i < 80 || i > 100);
    const after = results.filter((r) => r.tEndMs > 3300);
    expect(after[0]?.state).toBe('filling');
    expect(after[0]?.lastReset === 'gap' || after[0]?.lastReset === 'face-lost').toBe(true);
  });

  it('a frozen stream (identical frames) is flagged frozen and still', () => {
    const { last } = run({ width: W, height: H, shift: () => [0, 0] }, uniform(30, 2.6));
    expect(last.state).toBe('ok');
    expect(last.analysis?.issues).toEqual(expect.arrayContaining(['frozen', 'still']));
    expect(last.analysis?.map).toBeNull();
  });

  it('a still face under sensor noise is flagged still, not frozen', () => {
    const { last } = run({ width: W, height: H, shift: () => [0, 0], noise: 2, seed: 3 }, uniform(30, 2.6));
    expect(last.analysis?.issues).toEqual(['still']);
  });

  it('a face swaying by 0.15 px is not still', () => {
    const { last } = run({ width: W, height: H, shift: sine(0.15, 2), noise: 2, seed: 3 }, uniform(30, 2.6));
    expect(last.analysis?.issues).toEqual([]);
  });

  it('refuses a non-finite timestamp', () => {
    expect(() => new MotionWindow(ctx).push(NaN, null)).toThrow(RangeError);
  });
});
