import { describe, expect, it } from 'vitest';
import { allFinite, mean, meanOrNull, median, pearson, quantile, quantileSorted, std } from '../../src/core/stats.js';

describe('stats', () => {
  it.each([
    [[1, 2, 3, 4], 2.5, Math.sqrt(1.25), 2.5],
    [[5], 5, 0, 5],
    [[], NaN, NaN, NaN],
    [[3, NaN, 1], NaN, NaN, 2],
  ])('mean/std/median of %j', (x, m, s, med) => {
    if (Number.isNaN(m)) expect(mean(x)).toBeNaN();
    else expect(mean(x)).toBeCloseTo(m, 12);
    if (Number.isNaN(s)) expect(std(x)).toBeNaN();
    else expect(std(x)).toBeCloseTo(s, 12);
    if (Number.isNaN(med)) expect(median(x)).toBeNaN();
    else expect(median(x)).toBeCloseTo(med, 12);
  });

  it.each([
    [[1, 2, 3], [2, 4, 6], 1],
    [[1, 2, 3], [3, 2, 1], -1],
    [[1, 0, -1, 0], [0, 1, 0, -1], 0],
    [[1, 1, 1], [1, 2, 3], NaN],
    [[1], [2], NaN],
  ])('pearson(%j, %j) = %f', (x, y, r) => {
    if (Number.isNaN(r)) expect(pearson(x, y)).toBeNaN();
    else expect(pearson(x, y)).toBeCloseTo(r, 12);
  });

  it('checks lengths and finiteness', () => {
    expect(() => pearson([1, 2], [1])).toThrow(RangeError);
    expect(allFinite([1, 2])).toBe(true);
    expect(allFinite([1, Infinity])).toBe(false);
  });

  it.each([
    [[1, 2, 3, 4], 0, 1],
    [[1, 2, 3, 4], 1, 4],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 0.25, 1.75],
    [[10, 20], 0.1, 11],
    [[7], 0.3, 7],
  ])('quantileSorted(%j, %f) = %f (type 7)', (x, q, v) => {
    expect(quantileSorted(x, q)).toBeCloseTo(v, 12);
    expect(quantile([...x].reverse(), q)).toBe(quantileSorted(x, q));
  });

  it('gives the mean or null for an empty list', () => {
    expect(meanOrNull([])).toBeNull();
    expect(meanOrNull([0.2, 0.4])).toBeCloseTo(0.3, 12);
  });
});
