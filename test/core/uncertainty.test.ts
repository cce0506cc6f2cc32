import { describe, expect, it } from 'vitest';
import {
  binaryEntropy,
  categoricalEntropy,
  StatsPool,
  poolSamples,
  poolStats,
  summarizeCategorical,
  summarizeSamples,
} from '../../src/core/uncertainty.js';

const LN2 = Math.LN2;

describe('binaryEntropy', () => {
  it.each([
    [0, 0],
    [1, 0],
    [0.5, LN2],
    [0.1, -(0.1 * Math.log(0.1) + 0.9 * Math.log(0.9))],
    [0.9, -(0.1 * Math.log(0.1) + 0.9 * Math.log(0.9))],
  ])('H(%f) = %f', (p, h) => {
    expect(binaryEntropy(p)).toBeCloseTo(h, 12);
  });

  it.each([-0.1, 1.1, Number.NaN])('rejects %f', (p) => {
    expect(() => binaryEntropy(p)).toThrow(RangeError);
  });
});

describe('summarizeSamples', () => {
  it('returns null for an empty window', () => {
    expect(summarizeSamples([])).toBeNull();
  });

  it.each([
    // samples, mean, std, entropy, aleatoric, epistemic
    { name: 'one sample at 0.5', s: [0.5], mean: 0.5, std: 0, h: LN2, a: LN2, e: 0 },
    { name: 'one certain sample p=0', s: [0], mean: 0, std: 0, h: 0, a: 0, e: 0 },
    { name: 'one certain sample p=1', s: [1], mean: 1, std: 0, h: 0, a: 0, e: 0 },
    { name: 'agreeing confident samples', s: [1, 1, 1, 1], mean: 1, std: 0, h: 0, a: 0, e: 0 },
    // Two confident but opposite samples: all uncertainty is epistemic (disagreement).
    { name: 'disagreeing certain samples', s: [0, 1], mean: 0.5, std: 0.5, h: LN2, a: 0, e: LN2 },
    // Samples all at 0.5: all uncertainty is aleatoric (the model says the data is ambiguous).
    { name: 'agreeing unsure samples', s: [0.5, 0.5, 0.5], mean: 0.5, std: 0, h: LN2, a: LN2, e: 0 },
  ])('$name', ({ s, mean, std, h, a, e }) => {
    const r = summarizeSamples(s);
    expect(r).not.toBeNull();
    expect(r!.mean).toBeCloseTo(mean, 12);
    expect(r!.std).toBeCloseTo(std, 12);
    expect(r!.entropy).toBeCloseTo(h, 12);
    expect(r!.aleatoric).toBeCloseTo(a, 12);
    expect(r!.epistemic).toBeCloseTo(e, 12);
    expect(r!.samples).toBe(s.length);
  });

  it('splits a mixed case so that entropy = aleatoric + epistemic', () => {
    const s = [0.2, 0.9, 0.6, 0.35];
    const r = summarizeSamples(s)!;
    const mean = (0.2 + 0.9 + 0.6 + 0.35) / 4;
    expect(r.mean).toBeCloseTo(mean, 12);
    expect(r.entropy).toBeCloseTo(binaryEntropy(mean), 12);
    expect(r.aleatoric).toBeCloseTo(s.reduce((acc, p) => acc + binaryEntropy(p), 0) / 4, 12);
    expect(r.entropy).toBeCloseTo(r.aleatoric + r.epistemic, 12);
    expect(r.epistemic).toBeGreaterThan(0);
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => summarizeSamples([0.5, 1.5])).toThrow(RangeError);
  });
});

describe('categorical', () => {
  it.each([
    [[1, 0, 0], 0],
    [[0.5, 0.5, 0], LN2],
    [[1 / 3, 1 / 3, 1 / 3], Math.log(3)],
  ])('H(%j) = %f', (p, h) => {
    expect(categoricalEntropy(p)).toBeCloseTo(h, 12);
  });

  it('puts disagreement between confident one-hot samples into epistemic', () => {
    const r = summarizeCategorical([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ])!;
    expect(r.mean).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(r.aleatoric).toBe(0);
    expect(r.epistemic).toBeCloseTo(Math.log(3), 12);
  });

  it('returns null without samples and rejects ragged samples', () => {
    expect(summarizeCategorical([])).toBeNull();
    expect(() => summarizeCategorical([[0.5, 0.5], [1]])).toThrow(RangeError);
  });
});

describe('poolSamples', () => {
  it('concatenates windows in order (T_eff = sum of sizes)', () => {
    expect(poolSamples([[0.1, 0.2], [], [0.3]])).toEqual([0.1, 0.2, 0.3]);
  });
});

describe('StatsPool', () => {
  it('gives the statistics of poolStats over the same sets, with O(1) memory', () => {
    const sets = Array.from({ length: 500 }, (_, i) => summarizeSamples(Array.from({ length: 1 + (i % 9) }, (_, k) => ((i * 7 + k * 13) % 97) / 97))!);
    const pool = new StatsPool();
    for (const s of sets) pool.add(s);
    const a = poolStats(sets)!;
    const b = pool.stats()!;
    for (const k of ['mean', 'std', 'entropy', 'aleatoric', 'epistemic', 'samples'] as const) expect(b[k]).toBeCloseTo(a[k], 12);
    expect(pool.count).toBe(500);
    expect(new StatsPool().stats()).toBeNull();
  });
});
