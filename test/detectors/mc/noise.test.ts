import { describe, expect, it } from 'vitest';
import { noiseSpecOf } from '../../../src/detectors/mc/manifest.js';
import { bernoulliMask, meanNoise, sampleNoise, standardNormal } from '../../../src/detectors/mc/noise.js';
import { createPrng } from '../../../src/detectors/mc/prng.js';

describe('bernoulliMask', () => {
  it.each([0.1, 0.3, 0.5, 0.8])('rate %s: values are 0 or 1/(1 − rate), keep rate 1 − rate, mean 1', (rate) => {
    const mask = bernoulliMask(createPrng(3), 100_000, rate);
    const keep = 1 / (1 - rate);
    let kept = 0;
    let sum = 0;
    let other = 0;
    for (const v of mask) {
      if (!(v === 0 || Math.abs(v - keep) < 1e-6)) other++;
      if (v !== 0) kept++;
      sum += v;
    }
    expect(other).toBe(0);
    expect(kept / mask.length).toBeCloseTo(1 - rate, 2);
    expect(sum / mask.length).toBeCloseTo(1, 1);
  });

  it('rate 0 keeps everything at scale 1', () => {
    expect([...bernoulliMask(createPrng(1), 50, 0)].every((v) => v === 1)).toBe(true);
  });

  it.each([-0.1, 1, 1.5, NaN])('refuses rate %s', (rate) => {
    expect(() => bernoulliMask(createPrng(1), 4, rate)).toThrow(RangeError);
  });
});

describe('sampleNoise', () => {
  const mask = { name: 'noise', width: 16, distribution: { type: 'bernoulli-mask', rate: 0.3 } } as const;
  const normal = { name: 'eps', width: 8, distribution: { type: 'standard-normal' } } as const;

  it('has N · T · width values, row-major', () => {
    expect(sampleNoise(mask, 3, 5, createPrng(1)).length).toBe(3 * 5 * 16);
  });

  it('same seed → same masks; other seed → other masks', () => {
    const a = sampleNoise(mask, 2, 32, createPrng(9));
    const b = sampleNoise(mask, 2, 32, createPrng(9));
    const c = sampleNoise(mask, 2, 32, createPrng(10));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('gives different masks to different samples', () => {
    const a = sampleNoise(mask, 1, 4, createPrng(2));
    const rows = [0, 1, 2, 3].map((t) => Array.from(a.subarray(t * 16, (t + 1) * 16)).join());
    expect(new Set(rows).size).toBe(4);
  });

  it('draws normals for standard-normal inputs', () => {
    const x = sampleNoise(normal, 100, 100, createPrng(5));
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(mean).toBeCloseTo(0, 1);
    expect(variance).toBeCloseTo(1, 1);
    expect(standardNormal(createPrng(5), 10)).toEqual(x.subarray(0, 10));
  });

  it.each([
    [0, 1],
    [1, 0],
    [1.5, 2],
  ])('refuses N = %s, T = %s', (n, t) => {
    expect(() => sampleNoise(mask, n, t, createPrng(1))).toThrow(RangeError);
  });

  it('mean network noise: all ones for masks, zeros for normals', () => {
    expect([...meanNoise(mask, 2, 1)].every((v) => v === 1)).toBe(true);
    expect([...meanNoise(normal, 2, 1)].every((v) => v === 0)).toBe(true);
  });
});

describe('noiseSpecOf (manifest mc.inputs entries)', () => {
  it('reads a dropout mask input', () => {
    const spec = noiseSpecOf({ name: 'noise', shape: ['N', 'T', 136], dtype: 'float32', distribution: 'bernoulli-mask', rate: 0.5, values: [0, 2] });
    expect(spec).toEqual({ name: 'noise', width: 136, distribution: { type: 'bernoulli-mask', rate: 0.5 } });
  });

  it('reads a standard-normal input', () => {
    expect(noiseSpecOf({ name: 'eps', shape: ['N', 'T', 7], dtype: 'float32', distribution: 'standard-normal' }).distribution).toEqual({ type: 'standard-normal' });
  });

  it('refuses a mask without rate or with values that contradict it', () => {
    expect(() => noiseSpecOf({ name: 'noise', shape: ['N', 'T', 4], dtype: 'float32', distribution: 'bernoulli-mask' })).toThrow(/needs a rate/);
    expect(() => noiseSpecOf({ name: 'noise', shape: ['N', 'T', 4], dtype: 'float32', distribution: 'bernoulli-mask', rate: 0.5, values: [0, 1.5] })).toThrow(/do not match/);
  });
});
