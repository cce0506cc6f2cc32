import { describe, expect, it } from 'vitest';
import { meanPairwiseCorrelation, peakAgreement } from '../../../../src/detectors/rppg/signal/coherence.js';
import { gaussian, pulseWave, rng } from '../synth.js';

function cells(count: number, shared: number, noise: number, seed: number): Float64Array[] {
  const normal = gaussian(rng(seed));
  return Array.from({ length: count }, () => Float64Array.from({ length: 128 }, (_, i) => shared * pulseWave(i / 30, 1.2) + noise * normal()));
}

describe('meanPairwiseCorrelation', () => {
  it.each([
    // [case, shared pulse amplitude, noise, expected range]
    ['one shared pulse, little noise', 1, 0.1, 0.95, 1],
    ['shared pulse as strong as the noise', 1, 1, 0.2, 0.5],
    ['independent noise', 0, 1, -0.05, 0.05],
  ])('%s', (_name, shared, noise, lo, hi) => {
    const c = meanPairwiseCorrelation(cells(32, shared, noise, 9));
    expect(c.pairs).toBe(32 * 31 / 2);
    expect(c.value).toBeGreaterThanOrEqual(lo);
    expect(c.value).toBeLessThanOrEqual(hi);
  });

  it('skips missing, NaN and constant signals', () => {
    const good = cells(3, 1, 0.1, 2);
    const withNaN = Float64Array.from(good[0] as Float64Array);
    withNaN[5] = NaN;
    const c = meanPairwiseCorrelation([...good, null, withNaN, new Float64Array(128).fill(3)]);
    expect(c.pairs).toBe(3);
    expect(c.value).toBeGreaterThan(0.9);
  });

  it.each([
    ['no signals', []],
    ['one signal', [new Float64Array([1, 2, 3])]],
    ['only missing', [null, null]],
  ])('%s: NaN, no pairs', (_name, signals) => {
    const c = meanPairwiseCorrelation(signals as (Float64Array | null)[]);
    expect(c.value).toBeNaN();
    expect(c.pairs).toBe(0);
  });
});

describe('peakAgreement', () => {
  it.each([
    [[1.2, 1.25, 1.29, 2.0], 1.2, 0.1, 0.75],
    [[1.2, NaN, 2.0], 1.2, 0.1, 0.5],
    [[NaN], 1.2, 0.1, NaN],
    [[1.2], NaN, 0.1, NaN],
  ])('%j around %f ± %f → %f', (peaks, f0, tol, want) => {
    const got = peakAgreement(peaks, f0, tol);
    if (Number.isNaN(want)) expect(got).toBeNaN();
    else expect(got).toBeCloseTo(want, 12);
  });
});
