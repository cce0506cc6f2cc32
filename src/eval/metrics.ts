/**
 * Scores for `fakescope eval`: ranking (ROC AUC), probability quality (accuracy, Brier, NLL,
 * reliability/ECE), selective prediction (uncertainty vs. errors, coverage curves, abstention
 * thresholds), multi-class confusion and seeded bootstrap intervals. Pure functions, no I/O.
 *
 * Conventions: "positive" means fake; a probability p predicts positive when p ≥ threshold; an
 * item is answered when its uncertainty ≤ the abstention threshold. A metric that is undefined
 * for the input (empty, one class only, zero total weight) is `null`; malformed input (length
 * mismatch, NaN, p outside [0, 1], negative weight) throws RangeError.
 */
import { quantileSorted } from '../core/stats.js';
import { createPrng } from '../detectors/mc/prng.js';

export interface RocPoint {
  readonly fpr: number;
  readonly tpr: number;
  /** Items with score ≥ threshold are called positive; +Infinity for the (0, 0) corner. */
  readonly threshold: number;
}

export interface ReliabilityBin {
  /** Bin covers [lo, hi); the last bin also holds p = 1. */
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  /** Sum of the items' weights (= count without weights). */
  readonly weight: number;
  /** Weighted mean predicted probability; null for a bin with no weight. */
  readonly meanP: number | null;
  /** Weighted fraction of positives; null for a bin with no weight. */
  readonly fracPositive: number | null;
}

export interface Reliability {
  readonly bins: readonly ReliabilityBin[];
  /** Expected calibration error: bin-weight-weighted mean of |fracPositive − meanP|. */
  readonly ece: number;
  /** Maximum calibration error over bins with weight. */
  readonly mce: number;
}

export interface CoveragePoint {
  /** Fraction of items answered, answered / n. */
  readonly coverage: number;
  /** Fraction of answered items that are correct. */
  readonly accuracy: number;
  readonly answered: number;
  /** Items with uncertainty ≤ threshold are answered. */
  readonly threshold: number;
}

export interface ClassScores {
  /** tp / predicted; null when the class is never predicted. */
  readonly precision: number | null;
  /** tp / support; null when the class never occurs. */
  readonly recall: number | null;
  /** 2tp / (support + predicted); null when the class neither occurs nor is predicted. */
  readonly f1: number | null;
  /** Number of items whose true class this is. */
  readonly support: number;
}

export interface MulticlassSummary {
  readonly accuracy: number | null;
  /** Mean F1 over classes whose F1 is defined; null when none is. */
  readonly macroF1: number | null;
  readonly perClass: readonly ClassScores[];
}

export interface BootstrapOptions {
  /** Number of resamples drawn (default 1000). */
  readonly resamples?: number;
  /** PRNG seed; the same seed gives the same interval (default 0). */
  readonly seed?: number;
  /** Central coverage of the interval, in (0, 1) (default 0.95). */
  readonly level?: number;
}

export interface BootstrapInterval {
  readonly lo: number;
  readonly hi: number;
  /** Resamples whose statistic was defined (non-null); the interval comes from these. */
  readonly resamples: number;
}

/** ROC AUC as the Mann–Whitney U statistic, ties counted as 1/2; null unless both classes occur. */
export function auc(scores: readonly number[], positives: readonly boolean[]): number | null {
  checkLengths(scores.length, positives.length, 'positives');
  const order = sortedIndices(scores, 'score');
  let pos = 0;
  let neg = 0;
  let u = 0;
  for (let i = 0; i < order.length; ) {
    const j = tieEnd(order, scores, i);
    let groupPos = 0;
    for (let k = i; k < j; k++) if (positives[order[k] as number]) groupPos++;
    const groupNeg = j - i - groupPos;
    // Each positive beats every lower-scored negative and half-beats the tied ones.
    u += groupPos * (neg + groupNeg / 2);
    pos += groupPos;
    neg += groupNeg;
    i = j;
  }
  return pos === 0 || neg === 0 ? null : u / (pos * neg);
}

/** ROC points from (0, 0) to (1, 1), one per distinct score; null unless both classes occur. */
export function rocCurve(scores: readonly number[], positives: readonly boolean[]): RocPoint[] | null {
  checkLengths(scores.length, positives.length, 'positives');
  const order = sortedIndices(scores, 'score').reverse();
  let pos = 0;
  for (const y of positives) if (y) pos++;
  const neg = positives.length - pos;
  if (pos === 0 || neg === 0) return null;
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; ) {
    const j = tieEnd(order, scores, i);
    for (let k = i; k < j; k++) if (positives[order[k] as number]) tp++;
    else fp++;
    points.push({ fpr: fp / neg, tpr: tp / pos, threshold: scores[order[i] as number] as number });
    i = j;
  }
  return points;
}

/** Weighted fraction of items where (p ≥ threshold) matches the label; null for no weight. */
export function accuracy(
  p: readonly number[],
  positives: readonly boolean[],
  threshold = 0.5,
  weights?: readonly number[],
): number | null {
  checkBinary(p, positives, weights);
  return weightedMean(p.length, weights, (i) => ((p[i] as number) >= threshold) === positives[i] ? 1 : 0);
}

/** Weighted mean of (p − y)²; null for no weight. */
export function brier(p: readonly number[], positives: readonly boolean[], weights?: readonly number[]): number | null {
  checkBinary(p, positives, weights);
  return weightedMean(p.length, weights, (i) => ((p[i] as number) - (positives[i] ? 1 : 0)) ** 2);
}

/** Weighted mean negative log-likelihood in nats, p clipped to [eps, 1 − eps]; null for no weight. */
export function nll(
  p: readonly number[],
  positives: readonly boolean[],
  eps = 1e-6,
  weights?: readonly number[],
): number | null {
  checkBinary(p, positives, weights);
  if (!(eps >= 0 && eps < 0.5)) throw new RangeError(`eps must be in [0, 0.5), got ${eps}`);
  return weightedMean(p.length, weights, (i) => {
    const q = Math.min(1 - eps, Math.max(eps, p[i] as number));
    return -Math.log(positives[i] ? q : 1 - q);
  });
}

/** Reliability diagram over `bins` equal-width bins of [0, 1], with ECE and MCE; null for no weight. */
export function reliability(
  p: readonly number[],
  positives: readonly boolean[],
  bins = 15,
  weights?: readonly number[],
): Reliability | null {
  checkBinary(p, positives, weights);
  if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const count = new Array<number>(bins).fill(0);
  const weight = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < p.length; i++) {
    const b = binIndex(p[i] as number, bins);
    const w = weights ? (weights[i] as number) : 1;
    count[b] = (count[b] as number) + 1;
    weight[b] = (weight[b] as number) + w;
    sumP[b] = (sumP[b] as number) + w * (p[i] as number);
    if (positives[i]) sumY[b] = (sumY[b] as number) + w;
  }
  const total = weight.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  const out: ReliabilityBin[] = [];
  let ece = 0;
  let mce = 0;
  for (let b = 0; b < bins; b++) {
    const w = weight[b] as number;
    const meanP = w > 0 ? (sumP[b] as number) / w : null;
    const fracPositive = w > 0 ? (sumY[b] as number) / w : null;
    if (meanP !== null && fracPositive !== null) {
      const gap = Math.abs(fracPositive - meanP);
      ece += (w / total) * gap;
      mce = Math.max(mce, gap);
    }
    out.push({ lo: b / bins, hi: (b + 1) / bins, count: count[b] as number, weight: w, meanP, fracPositive });
  }
  return { bins: out, ece, mce };
}

/** What ECE a perfectly calibrated scorer would show on items like these (`eceIfCalibrated`). */
export interface EceReference {
  /** Mean and 95th percentile of the ECE over the draws. */
  readonly expected: number;
  readonly p95: number;
  /** Fraction of draws whose ECE is ≥ the observed one: small means miscalibration shows through the noise. */
  readonly pValue: number;
  readonly draws: number;
}

/**
 * Consistency resampling (Bröcker & Smith 2007): the ECE of a scorer that is calibrated by
 * construction — the same predicted p, each label drawn as Bernoulli(p) — over `draws` seeded
 * draws, against the observed ECE. On a few dozen items a calibrated scorer's ECE is far from 0
 * (binning noise), so an ECE reads honestly only next to this. Null for no items.
 */
export function eceIfCalibrated(p: readonly number[], observedEce: number, bins = 15, opts: { readonly draws?: number; readonly seed?: number } = {}): EceReference | null {
  checkBinary(p, p.map(() => false));
  if (p.length === 0) return null;
  const { draws = 1000, seed = 11 } = opts;
  if (!(Number.isInteger(draws) && draws >= 1)) throw new RangeError(`draws must be a positive integer, got ${draws}`);
  const prng = createPrng(seed);
  const eces: number[] = [];
  let atLeast = 0;
  for (let d = 0; d < draws; d++) {
    const labels = p.map((q) => prng.uniform() < q);
    const e = (reliability(p, labels, bins) as Reliability).ece;
    eces.push(e);
    if (e >= observedEce - 1e-12) atLeast++;
  }
  eces.sort((a, b) => a - b);
  return { expected: eces.reduce((a, v) => a + v, 0) / draws, p95: quantileSorted(eces, 0.95), pValue: atLeast / draws, draws };
}

/** AUROC of an uncertainty score for detecting errors; null without both errors and correct items. */
export function uncertaintyErrorAuroc(uncertainty: readonly number[], isError: readonly boolean[]): number | null {
  return auc(uncertainty, isError);
}

/** Accuracy vs. coverage answering the most certain items first; one point per distinct uncertainty. */
export function coverageCurve(correct: readonly boolean[], uncertainty: readonly number[]): CoveragePoint[] {
  checkLengths(uncertainty.length, correct.length, 'correct');
  const order = sortedIndices(uncertainty, 'uncertainty');
  const n = order.length;
  const points: CoveragePoint[] = [];
  let right = 0;
  for (let i = 0; i < n; ) {
    const j = tieEnd(order, uncertainty, i);
    for (let k = i; k < j; k++) if (correct[order[k] as number]) right++;
    const threshold = uncertainty[order[i] as number] as number;
    points.push({ coverage: j / n, accuracy: right / j, answered: j, threshold });
    i = j;
  }
  return points;
}

/** Area under a coverage curve (step-wise, = 1 − AURC without ties); null for an empty curve. */
export function areaUnderCoverage(curve: readonly CoveragePoint[]): number | null {
  if (curve.length === 0) return null;
  let area = 0;
  let prev = 0;
  for (const pt of curve) {
    area += (pt.coverage - prev) * pt.accuracy;
    prev = pt.coverage;
  }
  return area;
}

/** Confusion counts, matrix[truth][predicted], for labels 0 … classes − 1. */
export function confusion(truth: readonly number[], predicted: readonly number[], classes: number): number[][] {
  checkLengths(truth.length, predicted.length, 'predicted');
  if (!(Number.isInteger(classes) && classes >= 1)) {
    throw new RangeError(`classes must be a positive integer, got ${classes}`);
  }
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as number;
    const q = predicted[i] as number;
    for (const label of [t, q]) {
      if (!(Number.isInteger(label) && label >= 0 && label < classes)) {
        throw new RangeError(`label ${label} at index ${i} is not in 0..${classes - 1}`);
      }
    }
    const row = m[t] as number[];
    row[q] = (row[q] as number) + 1;
  }
  return m;
}

/** Accuracy, macro F1 and per-class precision/recall/F1 of a square confusion matrix (rows = truth). */
export function multiclassSummary(matrix: readonly (readonly number[])[]): MulticlassSummary {
  const k = matrix.length;
  const colSum = new Array<number>(k).fill(0);
  let total = 0;
  let diagonal = 0;
  for (let t = 0; t < k; t++) {
    const row = matrix[t] as readonly number[];
    if (row.length !== k) throw new RangeError(`confusion row ${t} has ${row.length} entries, expected ${k}`);
    for (let q = 0; q < k; q++) {
      const c = row[q] as number;
      if (!(Number.isFinite(c) && c >= 0)) throw new RangeError(`confusion count must be ≥ 0, got ${c}`);
      colSum[q] = (colSum[q] as number) + c;
      total += c;
    }
    diagonal += row[t] as number;
  }
  const perClass: ClassScores[] = [];
  let f1Sum = 0;
  let f1Count = 0;
  for (let c = 0; c < k; c++) {
    const row = matrix[c] as readonly number[];
    const tp = row[c] as number;
    const support = row.reduce((a, b) => a + b, 0);
    const called = colSum[c] as number;
    const f1 = support + called > 0 ? (2 * tp) / (support + called) : null;
    if (f1 !== null) {
      f1Sum += f1;
      f1Count++;
    }
    const precision = called > 0 ? tp / called : null;
    perClass.push({ precision, recall: support > 0 ? tp / support : null, f1, support });
  }
  return {
    accuracy: total > 0 ? diagonal / total : null,
    macroF1: f1Count > 0 ? f1Sum / f1Count : null,
    perClass,
  };
}

/** Seeded percentile bootstrap interval of `statistic` over n items; null when no resample is defined. */
export function bootstrapCi(
  n: number,
  statistic: (indices: number[]) => number | null,
  opts: BootstrapOptions = {},
): BootstrapInterval | null {
  const { resamples = 1000, seed = 0, level = 0.95 } = opts;
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!(Number.isInteger(resamples) && resamples >= 1)) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (n === 0) return null;
  const prng = createPrng(seed);
  const values: number[] = [];
  // Each resample draws n indices with replacement; a null statistic (e.g. one class only) is skipped.
  for (let r = 0; r < resamples; r++) {
    const indices = new Array<number>(n);
    for (let i = 0; i < n; i++) indices[i] = Math.floor(prng.uniform() * n);
    const v = statistic(indices);
    if (v === null) continue;
    if (Number.isNaN(v)) throw new RangeError('bootstrap statistic returned NaN');
    values.push(v);
  }
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { lo: quantileSorted(values, tail), hi: quantileSorted(values, 1 - tail), resamples: values.length };
}

/** Abstention threshold answering ≥ `coverage` of the items: the ⌈coverage·n⌉-th smallest uncertainty. */
export function thresholdForCoverage(uncertainty: readonly number[], coverage: number): number | null {
  if (!(coverage > 0 && coverage <= 1)) throw new RangeError(`coverage must be in (0, 1], got ${coverage}`);
  const n = uncertainty.length;
  if (n === 0) return null;
  const order = sortedIndices(uncertainty, 'uncertainty');
  // Ties at the threshold are answered too, so realised coverage can exceed the target.
  // The tolerance keeps e.g. 0.07 · 100 = 7.000000000000001 from rounding up to 8.
  const k = Math.min(n, Math.max(1, Math.ceil(coverage * n - 1e-9)));
  return uncertainty[order[k - 1] as number] as number;
}

/** Largest-coverage curve point with accuracy ≥ target and coverage ≥ minCoverage; null if none. */
export function thresholdForAccuracy(
  correct: readonly boolean[],
  uncertainty: readonly number[],
  targetAccuracy: number,
  minCoverage = 0,
): CoveragePoint | null {
  if (!(targetAccuracy >= 0 && targetAccuracy <= 1)) {
    throw new RangeError(`targetAccuracy must be in [0, 1], got ${targetAccuracy}`);
  }
  let best: CoveragePoint | null = null;
  for (const pt of coverageCurve(correct, uncertainty)) {
    if (pt.accuracy >= targetAccuracy && pt.coverage >= minCoverage) best = pt;
  }
  return best;
}

/** Bin of p among `bins` bins [b/bins, (b+1)/bins), consistent with those bounds despite round-off. */
function binIndex(p: number, bins: number): number {
  let b = Math.min(bins - 1, Math.floor(p * bins));
  // p · bins can round across a boundary (0.57 · 100 = 56.99999999999999); compare with the bounds.
  if (b > 0 && p < b / bins) b--;
  else if (b < bins - 1 && p >= (b + 1) / bins) b++;
  return b;
}

/** Indices ordered by ascending value; NaN is rejected since it has no place in the order. */
function sortedIndices(values: readonly number[], what: string): number[] {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) throw new RangeError(`${what} at index ${i} is NaN`);
  }
  return Array.from(values.keys()).sort((a, b) => (values[a] as number) - (values[b] as number));
}

/** End (exclusive) of the run of equal values starting at position i of `order`. */
function tieEnd(order: readonly number[], values: readonly number[], i: number): number {
  const v = values[order[i] as number];
  let j = i + 1;
  while (j < order.length && values[order[j] as number] === v) j++;
  return j;
}

/** Throw unless a parallel array has the expected length. */
function checkLengths(n: number, m: number, what: string): void {
  if (n !== m) throw new RangeError(`${what} has ${m} entries, expected ${n}`);
}

/** Validate probabilities, labels and optional weights for the binary metrics. */
function checkBinary(p: readonly number[], positives: readonly boolean[], weights?: readonly number[]): void {
  checkLengths(p.length, positives.length, 'positives');
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`probability at index ${i} out of [0, 1]: ${v}`);
  }
  if (!weights) return;
  checkLengths(p.length, weights.length, 'weights');
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`weight at index ${i} must be finite and ≥ 0: ${w}`);
  }
}

/** Σ w_i f(i) / Σ w_i (w_i = 1 without weights); null when the weights sum to 0. */
function weightedMean(n: number, weights: readonly number[] | undefined, f: (i: number) => number): number | null {
  let sw = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? (weights[i] as number) : 1;
    if (w === 0) continue;
    sw += w;
    s += w * f(i);
  }
  return sw > 0 ? s / sw : null;
}
