import { describe, expect, it } from 'vitest';
import { createPrng } from '../../src/detectors/mc/prng.js';
import {
  accuracy,
  areaUnderCoverage,
  auc,
  bootstrapCi,
  brier,
  confusion,
  coverageCurve,
  eceIfCalibrated,
  multiclassSummary,
  nll,
  reliability,
  rocCurve,
  thresholdForAccuracy,
  thresholdForCoverage,
  uncertaintyErrorAuroc,
} from '../../src/eval/metrics.js';

const T = true;
const F = false;

// Worked example: positives score {0.9, 0.8, 0.7}, negatives {0.7, 0.4, 0.2}. Of the 9 pairs the
// positive wins 8 and ties 1 (0.7 vs 0.7), so U = 8.5 and AUC = 8.5 / 9.
const SIX_SCORES = [0.4, 0.9, 0.7, 0.2, 0.8, 0.7];
const SIX_LABELS = [F, T, F, F, T, T];

/** O(n²) pair count, the definition auc() must agree with. */
function bruteAuc(scores: readonly number[], positives: readonly boolean[]): number {
  let u = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positives[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (positives[j]) continue;
      pairs++;
      const a = scores[i] as number;
      const b = scores[j] as number;
      u += a > b ? 1 : a === b ? 0.5 : 0;
    }
  }
  return u / pairs;
}

describe('auc', () => {
  it.each([
    { name: 'worked 6-item example with one tie', s: SIX_SCORES, y: SIX_LABELS, want: 8.5 / 9 },
    { name: 'perfect ranking', s: [0.1, 0.2, 0.8, 0.9], y: [F, F, T, T], want: 1 },
    { name: 'inverted ranking', s: [0.9, 0.8, 0.2, 0.1], y: [F, F, T, T], want: 0 },
    { name: 'all scores tied', s: [0.5, 0.5, 0.5, 0.5], y: [F, T, F, T], want: 0.5 },
    // Pairs (pos, neg): (3,1) win, (3,2) win, (1,1) tie, (1,2) loss → 2.5 / 4.
    { name: 'tie across classes', s: [3, 1, 1, 2], y: [T, T, F, F], want: 2.5 / 4 },
    { name: 'infinite scores sort too', s: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY], y: [F, T], want: 1 },
  ])('$name', ({ s, y, want }) => {
    expect(auc(s, y)).toBeCloseTo(want, 12);
  });

  it.each([
    { name: 'empty', s: [], y: [] },
    { name: 'positives only', s: [0.1, 0.9], y: [T, T] },
    { name: 'negatives only', s: [0.1, 0.9], y: [F, F] },
  ])('is null when undefined: $name', ({ s, y }) => {
    expect(auc(s, y)).toBeNull();
  });

  it('matches the O(n²) pair count on random data with many ties', () => {
    const prng = createPrng(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + trial * 7;
      const s = Array.from({ length: n }, () => Math.floor(prng.uniform() * 6) / 5);
      const y = Array.from({ length: n }, () => prng.uniform() < 0.4);
      if (!y.includes(true) || !y.includes(false)) continue;
      expect(auc(s, y)).toBeCloseTo(bruteAuc(s, y), 12);
    }
  });

  it('rejects mismatched lengths and NaN scores', () => {
    expect(() => auc([0.1, 0.2], [T])).toThrow(RangeError);
    expect(() => auc([0.1, Number.NaN], [T, F])).toThrow(RangeError);
  });
});

describe('rocCurve', () => {
  it('walks the worked example from (0, 0) to (1, 1), one point per distinct score', () => {
    expect(rocCurve(SIX_SCORES, SIX_LABELS)).toEqual([
      { fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY },
      { fpr: 0, tpr: 1 / 3, threshold: 0.9 },
      { fpr: 0, tpr: 2 / 3, threshold: 0.8 },
      // 0.7 is tied between a positive and a negative: one diagonal step, not two.
      { fpr: 1 / 3, tpr: 1, threshold: 0.7 },
      { fpr: 2 / 3, tpr: 1, threshold: 0.4 },
      { fpr: 1, tpr: 1, threshold: 0.2 },
    ]);
  });

  it('has a trapezoid area equal to auc', () => {
    const pts = rocCurve(SIX_SCORES, SIX_LABELS)!;
    let area = 0;
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1]!;
      const b = pts[i]!;
      area += ((b.fpr - a.fpr) * (a.tpr + b.tpr)) / 2;
    }
    expect(area).toBeCloseTo(17 / 18, 12);
  });

  it('collapses all-tied scores into a single diagonal step', () => {
    expect(rocCurve([0.5, 0.5, 0.5], [T, F, F])).toEqual([
      { fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY },
      { fpr: 1, tpr: 1, threshold: 0.5 },
    ]);
  });

  it('is null with one class or no items', () => {
    expect(rocCurve([0.2, 0.4], [T, T])).toBeNull();
    expect(rocCurve([], [])).toBeNull();
  });
});

describe('accuracy / brier / nll', () => {
  const p = [0.9, 0.5, 0.2, 0.4];
  const y = [T, F, F, T];

  it.each([
    // p ≥ threshold is positive. At 0.5: 0.9 ✓, 0.5 ✗ (called positive), 0.2 ✓, 0.4 ✗.
    { name: 'default threshold 0.5', threshold: undefined, w: undefined, want: 2 / 4 },
    // At 0.3: 0.9 ✓, 0.5 ✗, 0.2 ✓, 0.4 ✓.
    { name: 'threshold 0.3', threshold: 0.3, w: undefined, want: 3 / 4 },
    // At 0.4 (edge): 0.4 is called positive ✓, as at 0.3.
    { name: 'threshold 0.4 at an item', threshold: 0.4, w: undefined, want: 3 / 4 },
    // At 0.6: 0.9 ✓, 0.5 ✓, 0.2 ✓, 0.4 ✗.
    { name: 'threshold 0.6', threshold: 0.6, w: undefined, want: 3 / 4 },
    { name: 'threshold 0.95 calls all negative', threshold: 0.95, w: undefined, want: 2 / 4 },
    { name: 'threshold 0.1 calls all positive', threshold: 0.1, w: undefined, want: 2 / 4 },
    // Weights 3,1,1,1: correct items weigh 3 + 1 of 6.
    { name: 'weighted', threshold: 0.5, w: [3, 1, 1, 1], want: 4 / 6 },
    { name: 'zero weight drops an item', threshold: 0.5, w: [1, 0, 1, 0], want: 1 },
  ])('accuracy: $name', ({ threshold, w, want }) => {
    expect(accuracy(p, y, threshold, w)).toBeCloseTo(want, 12);
  });

  it('accuracy counts p exactly at the threshold as positive', () => {
    expect(accuracy([0.5], [T])).toBe(1);
    expect(accuracy([0.5], [F])).toBe(0);
  });

  it.each([
    // (0.1² + 0.5² + 0.2² + 0.6²) / 4 = (0.01 + 0.25 + 0.04 + 0.36) / 4
    { name: 'unweighted', w: undefined, want: 0.66 / 4 },
    { name: 'weighted', w: [2, 0, 1, 1], want: (2 * 0.01 + 0.04 + 0.36) / 4 },
  ])('brier: $name', ({ w, want }) => {
    expect(brier(p, y, w)).toBeCloseTo(want, 12);
  });

  it.each([
    { name: 'unweighted', eps: undefined, w: undefined, want: -(Math.log(0.9) + Math.log(0.5) + Math.log(0.8) + Math.log(0.4)) / 4 },
    { name: 'weighted', eps: undefined, w: [1, 0, 0, 3], want: -(Math.log(0.9) + 3 * Math.log(0.4)) / 4 },
    // eps = 0.25 clips 0.9 → 0.75 and 0.2 → 0.25 (so the negative scores 1 − 0.25).
    { name: 'wide clip', eps: 0.25, w: undefined, want: -(Math.log(0.75) + Math.log(0.5) + Math.log(0.75) + Math.log(0.4)) / 4 },
  ])('nll: $name', ({ eps, w, want }) => {
    expect(nll(p, y, eps, w)).toBeCloseTo(want, 12);
  });

  it('nll clips a confident mistake to −ln eps', () => {
    expect(nll([0], [T])).toBeCloseTo(-Math.log(1e-6), 9);
    expect(nll([1], [F], 1e-3)).toBeCloseTo(-Math.log(1e-3), 9);
    expect(nll([1], [T], 0)).toBe(0);
  });

  it.each([
    ['accuracy', () => accuracy([], [])],
    ['brier', () => brier([], [])],
    ['nll', () => nll([], [])],
  ] as const)('%s is null for empty input', (_name, f) => {
    expect(f()).toBeNull();
  });

  it.each([
    ['accuracy', () => accuracy([0.3], [T], 0.5, [0])],
    ['brier', () => brier([0.3], [T], [0])],
    ['nll', () => nll([0.3], [T], 1e-6, [0])],
  ] as const)('%s is null for zero total weight', (_name, f) => {
    expect(f()).toBeNull();
  });

  it.each([
    { name: 'p above 1', f: () => brier([1.2], [T]) },
    { name: 'p NaN', f: () => accuracy([Number.NaN], [T]) },
    { name: 'length mismatch', f: () => brier([0.2, 0.3], [T]) },
    { name: 'weights length mismatch', f: () => brier([0.2], [T], [1, 1]) },
    { name: 'negative weight', f: () => accuracy([0.2], [T], 0.5, [-1]) },
    { name: 'eps of 0.5', f: () => nll([0.2], [T], 0.5) },
  ])('rejects $name', ({ f }) => {
    expect(f).toThrow(RangeError);
  });
});

describe('reliability', () => {
  // Five bins of width 0.2. Bin 0: p {0.1, 0.1}, one positive → gap |0.5 − 0.1| = 0.4.
  // Bin 1: p {0.3}, no positive → gap 0.3. Bins 2, 3 empty. Bin 4: p {0.9, 0.9, 1.0}, two
  // positives → gap |2/3 − 2.8/3| = 0.8/3. ECE = (2·0.4 + 1·0.3 + 3·0.8/3) / 6 = 1.9 / 6.
  const p = [0.1, 0.9, 0.3, 1.0, 0.1, 0.9];
  const y = [F, T, F, F, T, T];

  it('bins a hand-computed example and computes ECE and MCE', () => {
    const r = reliability(p, y, 5)!;
    expect(r.ece).toBeCloseTo(1.9 / 6, 12);
    expect(r.mce).toBeCloseTo(0.4, 12);
    expect(r.bins.map((b) => [b.lo, b.hi, b.count, b.weight])).toEqual([
      [0, 0.2, 2, 2],
      [0.2, 0.4, 1, 1],
      [0.4, 0.6, 0, 0],
      [0.6, 0.8, 0, 0],
      [0.8, 1, 3, 3],
    ]);
    const [b0, b1, b2, , b4] = r.bins;
    expect(b0!.meanP).toBeCloseTo(0.1, 12);
    expect(b0!.fracPositive).toBe(0.5);
    expect(b1!.meanP).toBeCloseTo(0.3, 12);
    expect(b1!.fracPositive).toBe(0);
    expect(b2!.meanP).toBeNull();
    expect(b2!.fracPositive).toBeNull();
    expect(b4!.meanP).toBeCloseTo(2.8 / 3, 12);
    expect(b4!.fracPositive).toBeCloseTo(2 / 3, 12);
  });

  it('weights items within and across bins', () => {
    // Weight 3 on the positive 0.1: bin 0 has weight 4, meanP 0.1, fracPositive 3/4 → gap 0.65.
    // Total weight 8: ECE = (4·0.65 + 1·0.3 + 3·0.8/3) / 8 = 3.7 / 8.
    const r = reliability(p, y, 5, [1, 1, 1, 1, 3, 1])!;
    expect(r.bins[0]!.count).toBe(2);
    expect(r.bins[0]!.weight).toBe(4);
    expect(r.bins[0]!.fracPositive).toBeCloseTo(0.75, 12);
    expect(r.ece).toBeCloseTo(3.7 / 8, 12);
    expect(r.mce).toBeCloseTo(0.65, 12);
  });

  it.each([
    { name: 'p = 1 goes in the last bin', p: 1, bins: 4, bin: 3 },
    { name: 'p = 0 goes in the first bin', p: 0, bins: 4, bin: 0 },
    { name: 'a lower edge belongs to its bin', p: 0.6, bins: 5, bin: 3 },
    // 0.57 · 100 = 56.99999999999999 in floating point, yet 0.57 is the lower edge of bin 57.
    { name: 'round-off at an edge follows the reported bounds', p: 0.57, bins: 100, bin: 57 },
  ])('$name', ({ p: v, bins, bin }) => {
    const r = reliability([v], [T], bins)!;
    expect(r.bins).toHaveLength(bins);
    expect(r.bins.findIndex((b) => b.count === 1)).toBe(bin);
    expect(r.bins[bin]!.lo).toBeLessThanOrEqual(v);
  });

  it('has zero ECE when each bin is perfectly calibrated', () => {
    const r = reliability([0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75], [T, F, F, F, T, T, T, F], 2)!;
    expect(r.ece).toBeCloseTo(0, 12);
    expect(r.mce).toBeCloseTo(0, 12);
  });

  it('uses 15 bins by default and is null without weight', () => {
    expect(reliability([0.5], [T])!.bins).toHaveLength(15);
    expect(reliability([], [])).toBeNull();
    expect(reliability([0.5], [T], 10, [0])).toBeNull();
  });

  it.each([0, 2.5, -1])('rejects bins = %f', (bins) => {
    expect(() => reliability([0.5], [T], bins)).toThrow(RangeError);
  });
});

describe('eceIfCalibrated: the ECE a calibrated scorer shows on this many items', () => {
  it('is large on a few dozen items and shrinks as 1/√n, with the observed ECE placed in it', () => {
    const spread = (n: number) => Array.from({ length: n }, (_, i) => 0.35 + (0.3 * i) / (n - 1));
    const small = eceIfCalibrated(spread(38), 0.105, 10, { draws: 2000 });
    const large = eceIfCalibrated(spread(38 * 16), 0.105, 10, { draws: 500 });
    // 38 items: a calibrated scorer's ECE is around 0.1, nowhere near 0
    expect(small!.expected).toBeGreaterThan(0.07);
    expect(small!.expected).toBeLessThan(0.15);
    expect(small!.p95).toBeGreaterThan(small!.expected);
    // 16× the items: about a quarter of it
    expect(large!.expected / small!.expected).toBeGreaterThan(0.15);
    expect(large!.expected / small!.expected).toBeLessThan(0.4);
    // 0.105 is ordinary noise at n = 38, and far beyond it at n = 608
    expect(small!.pValue).toBeGreaterThan(0.2);
    expect(large!.pValue).toBeLessThan(0.01);
  });

  it('is seeded, and 0 for a scorer that is certain and right', () => {
    const p = [0.2, 0.4, 0.6, 0.8, 0.9];
    expect(eceIfCalibrated(p, 0.1, 10, { draws: 100, seed: 3 })).toEqual(eceIfCalibrated(p, 0.1, 10, { draws: 100, seed: 3 }));
    expect(eceIfCalibrated([0, 1, 1, 0], 0, 10, { draws: 50 })).toEqual({ expected: 0, p95: 0, pValue: 1, draws: 50 });
    expect(eceIfCalibrated([], 0)).toBeNull();
    expect(() => eceIfCalibrated([1.5], 0)).toThrow(RangeError);
  });
});

describe('uncertaintyErrorAuroc', () => {
  it('ranks errors against correct items by uncertainty', () => {
    // Errors have u {0.9, 0.3}, correct items {0.1, 0.5}: pairs won 0.9>0.1, 0.9>0.5, 0.3>0.1 → 3/4.
    expect(uncertaintyErrorAuroc([0.9, 0.1, 0.5, 0.3], [T, F, F, T])).toBeCloseTo(0.75, 12);
  });

  it('is null without errors or without correct items', () => {
    expect(uncertaintyErrorAuroc([0.1, 0.2], [F, F])).toBeNull();
    expect(uncertaintyErrorAuroc([0.1, 0.2], [T, T])).toBeNull();
  });
});

describe('coverage curve and abstention thresholds', () => {
  // Sorted by uncertainty: 0.1 ✓ | 0.2 ✓, 0.2 ✗ | 0.5 ✓ | 0.9 ✗ (given here out of order).
  const u = [0.5, 0.2, 0.9, 0.1, 0.2];
  const c = [T, T, F, T, F];

  it('answers the most certain items first, one step per distinct uncertainty', () => {
    expect(coverageCurve(c, u)).toEqual([
      { coverage: 0.2, accuracy: 1, answered: 1, threshold: 0.1 },
      { coverage: 0.6, accuracy: 2 / 3, answered: 3, threshold: 0.2 },
      { coverage: 0.8, accuracy: 3 / 4, answered: 4, threshold: 0.5 },
      { coverage: 1, accuracy: 3 / 5, answered: 5, threshold: 0.9 },
    ]);
  });

  it('areaUnderCoverage integrates the steps', () => {
    // 0.2·1 + 0.4·(2/3) + 0.2·0.75 + 0.2·0.6
    expect(areaUnderCoverage(coverageCurve(c, u))).toBeCloseTo(0.2 + 0.4 * (2 / 3) + 0.15 + 0.12, 12);
  });

  it('areaUnderCoverage is the mean accuracy over k = 1..n without ties (1 − AURC)', () => {
    // Order ✓ ✗ ✓ ✓: accuracies 1, 1/2, 2/3, 3/4.
    const area = areaUnderCoverage(coverageCurve([T, F, T, T], [0.1, 0.2, 0.3, 0.4]));
    expect(area).toBeCloseTo((1 + 1 / 2 + 2 / 3 + 3 / 4) / 4, 12);
  });

  it('handles empty input', () => {
    expect(coverageCurve([], [])).toEqual([]);
    expect(areaUnderCoverage([])).toBeNull();
    expect(thresholdForCoverage([], 0.5)).toBeNull();
    expect(thresholdForAccuracy([], [], 0.5)).toBeNull();
  });

  it.each([
    { coverage: 0.1, want: 0.1 },
    { coverage: 0.2, want: 0.1 },
    // ⌈0.4·5⌉ = 2nd smallest is 0.2, tied with the 3rd: both are answered.
    { coverage: 0.4, want: 0.2 },
    { coverage: 0.5, want: 0.2 },
    { coverage: 0.61, want: 0.5 },
    { coverage: 1, want: 0.9 },
  ])('thresholdForCoverage($coverage) = $want', ({ coverage, want }) => {
    expect(thresholdForCoverage(u, coverage)).toBe(want);
  });

  it('thresholdForCoverage is not pushed one item up by round-off', () => {
    // 0.07 · 100 = 7.000000000000001; the 7th smallest of 1..100 is 7.
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(thresholdForCoverage(values, 0.07)).toBe(7);
  });

  it.each([0, -0.1, 1.1, Number.NaN])('thresholdForCoverage rejects coverage %f', (coverage) => {
    expect(() => thresholdForCoverage(u, coverage)).toThrow(RangeError);
  });

  it.each([
    { target: 1, min: 0, want: 0.2 },
    { target: 0.75, min: 0, want: 0.8 },
    { target: 0.7, min: 0, want: 0.8 },
    { target: 0.6, min: 0, want: 1 },
    { target: 0.5, min: 0, want: 1 },
    { target: 1, min: 0.3, want: null },
    { target: 0.75, min: 0.9, want: null },
  ])('thresholdForAccuracy(target $target, min coverage $min) → coverage $want', ({ target, min, want }) => {
    const pt = thresholdForAccuracy(c, u, target, min);
    if (want === null) {
      expect(pt).toBeNull();
      return;
    }
    expect(pt!.coverage).toBeCloseTo(want, 12);
    expect(pt!.accuracy).toBeGreaterThanOrEqual(target);
  });

  it('thresholdForAccuracy returns the threshold to apply', () => {
    expect(thresholdForAccuracy(c, u, 0.75)).toEqual({ coverage: 0.8, accuracy: 0.75, answered: 4, threshold: 0.5 });
    expect(() => thresholdForAccuracy(c, u, 1.5)).toThrow(RangeError);
  });
});

describe('confusion / multiclassSummary', () => {
  const truth = [0, 0, 0, 1, 1, 2, 2, 2];
  const predicted = [0, 0, 1, 1, 1, 2, 2, 0];
  const matrix = [
    [2, 1, 0],
    [0, 2, 0],
    [1, 0, 2],
  ];

  it('counts truth in rows and predictions in columns', () => {
    expect(confusion(truth, predicted, 3)).toEqual(matrix);
  });

  it('summarises the matrix', () => {
    const s = multiclassSummary(matrix);
    expect(s.accuracy).toBeCloseTo(6 / 8, 12);
    // Class 0: P 2/3 R 2/3 F1 2/3; class 1: P 2/3 R 1 F1 0.8; class 2: P 1 R 2/3 F1 0.8.
    const want = [
      { precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 },
      { precision: 2 / 3, recall: 1, f1: 0.8, support: 2 },
      { precision: 1, recall: 2 / 3, f1: 0.8, support: 3 },
    ];
    s.perClass.forEach((got, i) => {
      const w = want[i]!;
      expect(got.support).toBe(w.support);
      expect(got.precision).toBeCloseTo(w.precision, 12);
      expect(got.recall).toBeCloseTo(w.recall, 12);
      expect(got.f1).toBeCloseTo(w.f1, 12);
    });
    expect(s.macroF1).toBeCloseTo(34 / 45, 12);
  });

  it('leaves undefined scores null and skips classes absent from truth and predictions', () => {
    // Class 1 never occurs but is predicted once; class 2 neither occurs nor is predicted.
    const s = multiclassSummary(confusion([0, 0, 0], [0, 0, 1], 3));
    expect(s.perClass[1]).toEqual({ precision: 0, recall: null, f1: 0, support: 0 });
    expect(s.perClass[2]).toEqual({ precision: null, recall: null, f1: null, support: 0 });
    // Class 0: P 1, R 2/3, F1 0.8; macro over classes 0 and 1 only.
    expect(s.perClass[0]!.f1).toBeCloseTo(0.8, 12);
    expect(s.macroF1).toBeCloseTo(0.4, 12);
  });

  it('is null throughout for an empty matrix of counts', () => {
    const s = multiclassSummary(confusion([], [], 2));
    expect(s.accuracy).toBeNull();
    expect(s.macroF1).toBeNull();
    expect(s.perClass).toEqual([
      { precision: null, recall: null, f1: null, support: 0 },
      { precision: null, recall: null, f1: null, support: 0 },
    ]);
  });

  it.each([
    { name: 'label out of range', f: () => confusion([0, 3], [0, 1], 3) },
    { name: 'negative label', f: () => confusion([0], [-1], 2) },
    { name: 'fractional label', f: () => confusion([0.5], [0], 2) },
    { name: 'zero classes', f: () => confusion([], [], 0) },
    { name: 'length mismatch', f: () => confusion([0, 1], [0], 2) },
    { name: 'non-square matrix', f: () => multiclassSummary([[1, 2], [3]]) },
    { name: 'negative count', f: () => multiclassSummary([[1, -1], [0, 1]]) },
  ])('rejects $name', ({ f }) => {
    expect(f).toThrow(RangeError);
  });
});

describe('bootstrapCi', () => {
  const data = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
  const mean = (idx: readonly number[]): number => idx.reduce((a, i) => a + (data[i] as number), 0) / idx.length;
  const pointEstimate = data.reduce((a, b) => a + b, 0) / data.length;

  it('is deterministic for a seed and differs across seeds', () => {
    const a = bootstrapCi(data.length, mean, { seed: 42, resamples: 500 });
    const b = bootstrapCi(data.length, mean, { seed: 42, resamples: 500 });
    const c = bootstrapCi(data.length, mean, { seed: 43, resamples: 500 });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('contains the point estimate and narrows with a lower level', () => {
    const wide = bootstrapCi(data.length, mean, { seed: 1 })!;
    const narrow = bootstrapCi(data.length, mean, { seed: 1, level: 0.5 })!;
    expect(wide.resamples).toBe(1000);
    expect(wide.lo).toBeLessThan(pointEstimate);
    expect(wide.hi).toBeGreaterThan(pointEstimate);
    expect(narrow.lo).toBeGreaterThan(wide.lo);
    expect(narrow.hi).toBeLessThan(wide.hi);
    expect(narrow.lo).toBeLessThan(narrow.hi);
  });

  it('passes n in-range indices to every resample', () => {
    const seen = new Set<number>();
    bootstrapCi(5, (idx) => {
      expect(idx).toHaveLength(5);
      for (const i of idx) {
        expect(Number.isInteger(i) && i >= 0 && i < 5).toBe(true);
        seen.add(i);
      }
      return 0;
    }, { resamples: 50, seed: 3 });
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('matches the exact resampling distribution of two items', () => {
    // The mean of two resampled items from {0, 1} is 0, 0.5, 1 with probability 1/4, 1/2, 1/4:
    // the 30th and 70th percentiles are both 0.5, the 2.5th is 0 and the 97.5th is 1.
    const two = (idx: readonly number[]): number => (idx[0]! + idx[1]!) / 2;
    expect(bootstrapCi(2, two, { seed: 9, resamples: 4000, level: 0.4 })).toEqual({ lo: 0.5, hi: 0.5, resamples: 4000 });
    expect(bootstrapCi(2, two, { seed: 9, resamples: 4000 })).toEqual({ lo: 0, hi: 1, resamples: 4000 });
  });

  it('collapses to the value for a single item', () => {
    expect(bootstrapCi(1, (idx) => (data[idx[0]!] as number) * 10, { resamples: 20 })).toEqual({
      lo: 30,
      hi: 30,
      resamples: 20,
    });
  });

  it('skips resamples whose statistic is undefined', () => {
    // AUC is undefined whenever a resample draws only one class.
    const s = [0.9, 0.1, 0.8];
    const y = [T, F, F];
    const ci = bootstrapCi(3, (idx) => auc(idx.map((i) => s[i]!), idx.map((i) => y[i]!)), { seed: 5, resamples: 300 })!;
    expect(ci.resamples).toBeGreaterThan(0);
    expect(ci.resamples).toBeLessThan(300);
    expect(ci.lo).toBeGreaterThanOrEqual(0);
    expect(ci.hi).toBeLessThanOrEqual(1);
  });

  it('is null when nothing can be estimated', () => {
    expect(bootstrapCi(0, () => 1)).toBeNull();
    expect(bootstrapCi(4, () => null, { resamples: 10 })).toBeNull();
  });

  it.each([
    { name: 'negative n', f: () => bootstrapCi(-1, () => 1) },
    { name: 'zero resamples', f: () => bootstrapCi(3, () => 1, { resamples: 0 }) },
    { name: 'level 1', f: () => bootstrapCi(3, () => 1, { level: 1 }) },
    { name: 'NaN statistic', f: () => bootstrapCi(3, () => Number.NaN, { resamples: 2 }) },
  ])('rejects $name', ({ f }) => {
    expect(f).toThrow(RangeError);
  });
});
