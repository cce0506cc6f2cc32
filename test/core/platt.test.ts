import { describe, expect, it } from 'vitest';
import { IDENTITY_PLATT, MIN_PLATT_SLOPE, fitPlatt, mapFor, plattProbability } from '../../src/core/platt.js';

/** A deterministic stream in [0, 1) (a fixed LCG), so the synthetic sets are the same every run. */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** n scores p spread over (0.02, 0.98), each labelled fake with probability σ(a·logit p + b). */
function synthetic(n: number, truth: { a: number; b: number }, seed = 1): { ps: number[]; fake: boolean[] } {
  const u = uniform(seed);
  const ps = Array.from({ length: n }, () => 0.02 + 0.96 * u());
  return { ps, fake: ps.map((p) => u() < sigmoid(truth.a * logit(p) + truth.b)) };
}

describe('plattProbability', () => {
  it.each([
    [0.3, IDENTITY_PLATT, 0.3],
    [0.5, { a: 2, b: 0 }, 0.5],
    [0.5, { a: 1, b: Math.log(3) }, 0.75],
    [0.8, { a: 0.5, b: 0 }, sigmoid(0.5 * logit(0.8))],
    [0, IDENTITY_PLATT, 1e-6],
    [1, IDENTITY_PLATT, 1 - 1e-6],
  ])('p %f through %j is %f', (p, map, want) => {
    expect(plattProbability(p, map)).toBeCloseTo(want, 9);
  });
});

describe('fitPlatt', () => {
  it.each([
    ['already calibrated', { a: 1, b: 0 }],
    ['over-confident (a temperature of 2)', { a: 0.5, b: 0 }],
    ['shifted towards fake', { a: 1, b: -1.2 }],
    ['under-confident and shifted', { a: 2, b: 0.8 }],
  ])('recovers the map of a %s score from 4000 labelled items', (_, truth) => {
    const { ps, fake } = synthetic(4000, truth);
    const fit = fitPlatt(ps, fake);
    expect(fit.a).toBeCloseTo(truth.a, 0);
    expect(Math.abs(fit.a - truth.a)).toBeLessThan(0.2 * truth.a);
    expect(Math.abs(fit.b - truth.b)).toBeLessThan(0.2);
    expect(fit.nllAfter).toBeLessThanOrEqual(fit.nllBefore + 1e-12);
  });

  it('gives a finite, increasing map on separable items (the ridge holds it)', () => {
    const ps = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9];
    const fit = fitPlatt(ps, [false, false, false, true, true, true]);
    expect(Number.isFinite(fit.a) && Number.isFinite(fit.b)).toBe(true);
    expect(fit.a).toBeGreaterThan(1);
    expect(plattProbability(0.7, fit)).toBeGreaterThan(plattProbability(0.3, fit));
  });

  it('never inverts the scores: anti-correlated labels get the smallest slope, not a negative one', () => {
    const ps = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9];
    const fit = fitPlatt(ps, [true, true, true, false, false, false]);
    expect(fit.a).toBe(MIN_PLATT_SLOPE);
  });

  it('weights balance the classes: one fake among many reals still moves the midpoint only as its weight says', () => {
    const ps = [0.6, 0.6, 0.6, 0.6, 0.6, 0.6];
    const fake = [true, false, false, false, false, false];
    const plain = fitPlatt(ps, fake);
    const balanced = fitPlatt(ps, fake, [0.5, 0.1, 0.1, 0.1, 0.1, 0.1]);
    expect(plattProbability(0.6, plain)).toBeCloseTo(1 / 6, 2);
    expect(plattProbability(0.6, balanced)).toBeCloseTo(0.5, 2);
  });

  it('refuses mismatched lengths and zero weight', () => {
    expect(() => fitPlatt([0.5], [true, false])).toThrow(RangeError);
    expect(() => fitPlatt([0.5], [true], [0])).toThrow(RangeError);
  });
});

describe('mapFor', () => {
  const calibration = { a: 2, b: -0.2, subsets: [{ detectors: ['blind'], a: 1.1, b: -0.3 }, { detectors: ['identity'], a: 0.9, b: 0 }] };
  it.each([
    [['blind', 'identity'], { a: 2, b: -0.2 }],
    [['identity', 'blind'], { a: 2, b: -0.2 }],
    [['blind'], { a: 1.1, b: -0.3 }],
    [['identity'], { a: 0.9, b: 0 }],
    [['rppg'], { a: 2, b: -0.2 }],
  ])('with %j present uses %j', (present, want) => {
    expect(mapFor(calibration, present)).toEqual(want);
  });
  it('is the main map without subsets and undefined without a calibration', () => {
    expect(mapFor({ a: 1.5, b: 0.1 }, ['blind'])).toEqual({ a: 1.5, b: 0.1 });
    expect(mapFor(undefined, ['blind'])).toBeUndefined();
  });
});
