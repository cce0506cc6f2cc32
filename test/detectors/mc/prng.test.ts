import { describe, expect, it } from 'vitest';
import { createPrng, deriveSeed, prngFromState } from '../../../src/detectors/mc/prng.js';

describe('xoshiro128**', () => {
  it('matches the reference implementation from state {1, 2, 3, 4}', () => {
    // First outputs of Blackman & Vigna's xoshiro128starstar.c with s = {1, 2, 3, 4}.
    const rng = prngFromState([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('refuses the all-zero state', () => {
    expect(() => prngFromState([0, 0, 0, 0])).toThrow(/all zero/);
  });

  it('repeats exactly under the same seed and differs between seeds', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const c = createPrng(43);
    const xa = Array.from({ length: 100 }, () => a.uniform());
    const xb = Array.from({ length: 100 }, () => b.uniform());
    const xc = Array.from({ length: 100 }, () => c.uniform());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('gives uniforms in [0, 1) with the right moments', () => {
    const rng = createPrng(7);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      sum += u;
      sq += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
  });

  it('gives standard normals (mean 0, variance 1, symmetric tails)', () => {
    const rng = createPrng(11);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let beyond2 = 0;
    let nonFinite = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      if (!Number.isFinite(z)) nonFinite++;
      sum += z;
      sq += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(nonFinite).toBe(0);
    expect(sum / n).toBeCloseTo(0, 2);
    expect(sq / n).toBeCloseTo(1, 1);
    // P(|Z| > 2) = 0.0455
    expect(beyond2 / n).toBeGreaterThan(0.042);
    expect(beyond2 / n).toBeLessThan(0.049);
  });
});

describe('deriveSeed', () => {
  it('is a pure function of the base seed and the path', () => {
    expect(deriveSeed(1, 'rppg', 3, 7)).toBe(deriveSeed(1, 'rppg', 3, 7));
  });

  it.each([
    [[1, 'rppg', 3, 7], [2, 'rppg', 3, 7]],
    [[1, 'rppg', 3, 7], [1, 'rppg', 7, 3]],
    [[1, 'rppg', 3, 7], [1, 'blind', 3, 7]],
    [[1, 'ab'], [1, 'a', 'b']],
    [[1, 5], [1, 5 + 2 ** 32]],
  ] as [(number | string)[], (number | string)[]][])('separates %j from %j', (a, b) => {
    const [sa, ...pa] = a as [number, ...(number | string)[]];
    const [sb, ...pb] = b as [number, ...(number | string)[]];
    expect(deriveSeed(sa, ...pa)).not.toBe(deriveSeed(sb, ...pb));
  });

  it('spreads consecutive labels over the 32-bit range', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => deriveSeed(1, 'track', i)));
    expect(seeds.size).toBe(1000);
    const mean = [...seeds].reduce((a, b) => a + b, 0) / seeds.size;
    expect(mean / 2 ** 32).toBeCloseTo(0.5, 1);
  });

  it('refuses non-finite path parts', () => {
    expect(() => deriveSeed(1, NaN)).toThrow(RangeError);
  });
});
