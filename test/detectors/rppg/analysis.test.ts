import { describe, expect, it } from 'vitest';
import { type TimedSample, analyzeWindow, fillMissing } from '../../../src/detectors/rppg/analysis.js';
import { createAnalysisContext } from '../../../src/detectors/rppg/options.js';
import { type SampleStreamSpec, sampleStream } from './synth.js';

const ctx = createAnalysisContext();

function samples(spec: Partial<SampleStreamSpec>): TimedSample[] {
  const full: SampleStreamSpec = { fps: 30, frames: 128, hrHz: 1.2, pulseLevels: 0.7, cellNoise: 0.3, seed: 1, ...spec };
  return [...sampleStream(full)].map((s) => ({ tSec: s.ptsMs / 1000, sample: s.sample }));
}

describe('fillMissing', () => {
  it.each([
    ['nothing missing', [1, 2, 3], 0, [1, 2, 3]],
    ['interior run', [1, NaN, NaN, 4], 2, [1, 2, 3, 4]],
    ['leading and trailing runs are held', [NaN, 2, 3, NaN], 2, [2, 2, 3, 3]],
    ['too many missing', [1, NaN, NaN, 4], 1, null],
    ['all missing', [NaN, NaN], 5, null],
  ])('%s', (_name, x, maxMissing, want) => {
    const got = fillMissing(Float64Array.from(x), maxMissing);
    if (want === null) expect(got).toBeNull();
    else expect(Array.from(got as Float64Array)).toEqual(want);
  });
});

describe('analyzeWindow', () => {
  it('finds a shared 72 bpm pulse: ok, HR ±2 bpm, high SNR, coherent cells, a full PPG map', () => {
    const f = analyzeWindow(samples({}), ctx);
    expect(f.state).toBe('ok');
    expect(f.reasons).toEqual([]);
    expect(Math.abs((f.hrBpm as number) - 72)).toBeLessThan(2);
    expect(f.snrDb as number).toBeGreaterThan(6);
    expect(f.coherence as number).toBeGreaterThan(0.3);
    expect(f.cellAgreement as number).toBeGreaterThan(0.8);
    expect(f.methodSpreadBpm as number).toBeLessThan(3);
    for (const m of ['green', 'chrom', 'pos'] as const) expect(Math.abs((f.methods?.[m].hrBpm as number) - 72)).toBeLessThan(2);
    for (const r of ['face', 'forehead', 'leftCheek', 'rightCheek', 'midFace'] as const) expect(f.regions?.[r].hrBpm).not.toBeNull();
    expect(f.validCells).toBe(32);
    expect(f.ppgMap?.rows).toBe(32);
    expect(f.ppgMap?.cols).toBe(128 + 64);
    expect(f.pulse?.length).toBe(128);
    expect(f.fill).toBe(1);
  });

  it('does not find a pulse in noise: low-quality, low SNR, incoherent cells', () => {
    const f = analyzeWindow(samples({ hrHz: 0 }), ctx);
    expect(f.state).toBe('low-quality');
    expect(f.snrDb as number).toBeLessThan(3);
    expect(Math.abs(f.coherence as number)).toBeLessThan(0.1);
    expect(f.reasons).toContain('incoherent');
  });

  it('reports a constant face as having no band power', () => {
    const f = analyzeWindow(samples({ hrHz: 0, cellNoise: 0 }), ctx);
    expect(f.state).toBe('low-quality');
    expect(f.reasons).toContain('no-band-power');
    expect(f.hrBpm).toBeNull();
    expect(f.validCells).toBe(0);
  });

  it('leaves NaN cells out of the map and the coherence, and gates on too few cells', () => {
    const missingCells = Array.from({ length: 26 }, (_, i) => i);
    const f = analyzeWindow(samples({ missingCells }), ctx);
    expect(f.validCells).toBe(6);
    expect(Array.from(f.ppgMap?.cellValid ?? []).slice(0, 26).every((v) => v === 0)).toBe(true);
    expect(f.coherence as number).toBeGreaterThan(0.3);
    expect(f.reasons).toContain('few-cells');
    expect(f.state).toBe('low-quality');
  });

  it('handles jittered 25 fps input', () => {
    const f = analyzeWindow(samples({ fps: 25, frames: 110, jitterMs: 8 }), ctx);
    expect(f.state).toBe('ok');
    expect(Math.abs((f.hrBpm as number) - 72)).toBeLessThan(2);
  });

  it('returns an empty low-quality result without samples or without face skin', () => {
    expect(analyzeWindow([], ctx).reasons).toEqual(['face-missing']);
    const noFace = analyzeWindow(samples({ missingCells: Array.from({ length: 32 }, (_, i) => i) }), ctx);
    expect(noFace.reasons).toEqual(['face-missing']);
    expect(noFace.fill).toBe(0);
    expect(noFace.hrBpm).toBeNull();
  });
});

describe('createAnalysisContext', () => {
  it('derives the window length, the SNR template and power-of-two FFTs', () => {
    expect(ctx.n).toBe(128);
    expect(ctx.snrHalfWidthHz).toBeCloseTo(30 / 128, 12);
    expect(ctx.plan.n).toBe(2048);
    expect(createAnalysisContext({ nfft: 100 }).plan.n).toBe(128);
  });

  it.each([{ windowSec: 0.2 }, { hopSec: 0 }, { lowHz: 5 }, { filterOrder: 3 }])('rejects %j', (bad) => {
    expect(() => createAnalysisContext(bad)).toThrow(RangeError);
  });
});
