import { quantile } from '../core/stats.js';
import { MAX_BINARY_ENTROPY } from '../core/uncertainty.js';
import type { VideoScore } from '../pipeline/verdict.js';
import { NO_CONFIDENCE_FLOOR, fuseScores, meetsConfidenceFloor } from '../pipeline/verdict.js';

/**
 * Fits the verdict policy on calibration items (segments or clips), pure. First the fusion
 * weights (`fitWeights`), then, on the items fused with them, the thresholds:
 *   1. decisionThreshold: the p(fake) cut with the best class-balanced accuracy (ties: nearest 0.5);
 *   2. margin, maxEpistemic, maxDisagreement: over a grid (margins 0–0.3, uncertainty thresholds at
 *      quantiles of the calibration values), the combination that answers the largest
 *      class-balanced fraction of items while the one-sided 95 % lower bound of their balanced
 *      accuracy reaches `targetAccuracy` — a small calibration set cannot buy a bold policy;
 *      if no combination reaches it (with at least `minCoverage` answered), the one with the best
 *      lower bound at ≥ `fallbackCoverage`, flagged `targetMet: false`; if none answers that much,
 *      the loosest rules (margin 0, no uncertainty limit).
 *   Items the verdict's confidence floor (`minConfidence`) leaves unanswered count as unanswered
 *   in every combination: the fit adds rules on top of the floor, never loosens it.
 * Real and fake items are weighted to equal totals so a skewed calibration set does not buy
 * accuracy by answering only the majority class.
 */
export interface CalibrationItem {
  readonly fake: boolean;
  readonly p: number;
  readonly epistemic: number;
  readonly disagreement: number;
}

export interface FitOptions {
  readonly targetAccuracy?: number;
  /** The verdict's confidence floor (`VerdictPolicy.minConfidence`): items below it are never answered. Default 0.5 (off). */
  readonly minConfidence?: number;
  readonly minCoverage?: number;
  readonly fallbackCoverage?: number;
}

export interface FittedPolicy {
  readonly decisionThreshold: number;
  readonly margin: number;
  readonly maxEpistemic: number;
  readonly maxDisagreement: number;
  readonly fit: {
    readonly items: number;
    readonly real: number;
    readonly fake: number;
    readonly targetAccuracy: number;
    /** The confidence floor the thresholds were fitted under. */
    readonly minConfidence: number;
    readonly targetMet: boolean;
    /** Class-balanced fraction answered and balanced accuracy on the answered, on the calibration items. */
    readonly coverage: number;
    readonly accuracyAnswered: number;
    /** One-sided 95 % Wilson lower bound of accuracyAnswered: what the target is checked against. */
    readonly accuracyLowerBound: number;
    /** Balanced accuracy with no abstention at the fitted threshold. */
    readonly accuracyForced: number;
    readonly combinationsTried: number;
  };
}

const MARGINS = [0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3];
const QUANTILES = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1];

/** Class-balancing weights: real and fake items weigh 0.5 in total each. */
export function balancedWeights(items: readonly { readonly fake: boolean }[]): number[] {
  const nFake = items.filter((i) => i.fake).length;
  const nReal = items.length - nFake;
  return items.map((i) => (i.fake ? 0.5 / nFake : 0.5 / nReal));
}

/** Class-balanced coverage and accuracy of the items `answered` selects, at threshold t. */
function score(items: readonly CalibrationItem[], w: readonly number[], t: number, answered: (i: CalibrationItem) => boolean) {
  let cov = 0;
  let ok = 0;
  const n = { real: 0, fake: 0 };
  items.forEach((it, k) => {
    if (!answered(it)) return;
    cov += w[k] as number;
    n[it.fake ? 'fake' : 'real']++;
    if (it.p >= t === it.fake) ok += w[k] as number;
  });
  const accuracy = cov > 0 ? ok / cov : 0;
  // Balanced accuracy rests on the rarer answered class: count it twice as the effective size.
  return { coverage: cov, accuracy, lowerBound: wilsonLower(accuracy, 2 * Math.min(n.real, n.fake)) };
}

/** One-sided 95 % Wilson lower bound of a proportion p observed on n items (0 for n = 0). */
export function wilsonLower(p: number, n: number, z = 1.645): number {
  if (n <= 0) return 0;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - half) / (1 + z2 / n));
}

export function bestThreshold(items: readonly CalibrationItem[]): number {
  const w = balancedWeights(items);
  const ps = [...new Set(items.map((i) => i.p))].sort((a, b) => a - b);
  const cuts = [0.5, ...ps.slice(1).map((p, k) => (p + (ps[k] as number)) / 2)];
  let best = 0.5;
  let bestAcc = -1;
  for (const t of cuts) {
    const acc = score(items, w, t, () => true).accuracy;
    if (acc > bestAcc + 1e-12 || (Math.abs(acc - bestAcc) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(best - 0.5))) {
      best = t;
      bestAcc = acc;
    }
  }
  return best;
}

export function fitPolicy(items: readonly CalibrationItem[], opts: FitOptions = {}): FittedPolicy {
  const nFake = items.filter((i) => i.fake).length;
  if (nFake === 0 || nFake === items.length) throw new RangeError('calibration needs real and fake items');
  const target = opts.targetAccuracy ?? 0.9;
  const minCoverage = opts.minCoverage ?? 0.1;
  const fallbackCoverage = opts.fallbackCoverage ?? 0.25;
  const floor = opts.minConfidence ?? NO_CONFIDENCE_FLOOR;
  const w = balancedWeights(items);
  const t = bestThreshold(items);
  // What decideVerdict would answer at threshold t under the floor, before the fitted rules.
  const confident = (i: CalibrationItem) => meetsConfidenceFloor(i.p, t, floor);
  const cap = (q: number, values: number[], max: number) => (q >= 1 ? max : quantile(values, q));
  const eps = [...new Set(QUANTILES.map((q) => cap(q, items.map((i) => i.epistemic), MAX_BINARY_ENTROPY)))];
  const dis = [...new Set(QUANTILES.map((q) => cap(q, items.map((i) => i.disagreement), 0.5)))];
  type Candidate = { m: number; e: number; d: number; coverage: number; accuracy: number; lowerBound: number };
  let best: Candidate | null = null as Candidate | null;
  let fallback: Candidate | null = null as Candidate | null;
  let tried = 0;
  for (const m of MARGINS) {
    for (const e of eps) {
      for (const d of dis) {
        tried++;
        const s = score(items, w, t, (i) => confident(i) && i.epistemic <= e && i.disagreement <= d && Math.abs(i.p - t) >= m);
        const cand = { m, e, d, ...s };
        if (s.lowerBound >= target && s.coverage >= minCoverage && (!best || s.coverage > best.coverage + 1e-12)) best = cand;
        if (s.coverage >= fallbackCoverage && (!fallback || s.lowerBound > fallback.lowerBound + 1e-12)) fallback = cand;
      }
    }
  }
  const chosen = best ?? fallback ?? { m: 0, e: MAX_BINARY_ENTROPY, d: 0.5, ...score(items, w, t, confident) };
  return {
    decisionThreshold: t,
    margin: chosen.m,
    maxEpistemic: chosen.e,
    maxDisagreement: chosen.d,
    fit: {
      items: items.length,
      real: items.length - nFake,
      fake: nFake,
      targetAccuracy: target,
      minConfidence: floor,
      targetMet: best !== null,
      coverage: chosen.coverage,
      accuracyAnswered: chosen.accuracy,
      accuracyLowerBound: chosen.lowerBound,
      accuracyForced: score(items, w, t, () => true).accuracy,
      combinationsTried: tried,
    },
  };
}

/** A calibration segment seen per detector (null: that detector had no answer). */
export interface DetectorItem {
  readonly fake: boolean;
  readonly detectors: readonly (VideoScore | null)[];
}

export interface FittedWeights {
  readonly weights: readonly number[];
  /** Class-balanced NLL of the fused p(fake) with these weights and with equal weights. */
  readonly nll: number;
  readonly nllEqual: number;
  readonly candidates: number;
}

/** Every weight vector on the simplex with the given step (k detectors). */
function simplex(k: number, steps: number): number[][] {
  if (k === 1) return [[1]];
  const out: number[][] = [];
  const rec = (prefix: number[], left: number) => {
    if (prefix.length === k - 1) {
      out.push([...prefix, left].map((v) => v / steps));
      return;
    }
    for (let i = 0; i <= left; i++) rec([...prefix, i], left - i);
  };
  rec([], steps);
  return out;
}

/**
 * Fusion weights fitted on calibration items: the point of a simplex grid (step 1/steps) whose
 * fused p(fake) has the lowest class-balanced negative log-likelihood (a proper scoring rule, so
 * a detector near chance gets little weight); ties go to the grid point nearest equal weights.
 */
export function fitWeights(items: readonly DetectorItem[], k: number, steps = 10): FittedWeights {
  const w = balancedWeights(items);
  const nllOf = (wv: readonly number[]) => {
    let sum = 0;
    let total = 0;
    items.forEach((it, n) => {
      const f = fuseScores(it.detectors.map((d) => d ?? { pFake: null, uncertainty: null, evidenceFrames: 0 }), wv);
      if (f.pFake === null) return;
      const p = Math.min(1 - 1e-6, Math.max(1e-6, f.pFake));
      sum -= (w[n] as number) * Math.log(it.fake ? p : 1 - p);
      total += w[n] as number;
    });
    return total > 0 ? sum / total : Infinity;
  };
  const equal = new Array<number>(k).fill(1 / k);
  const dist = (a: readonly number[]) => a.reduce((s, v, i) => s + (v - (equal[i] as number)) ** 2, 0);
  let best = equal;
  let bestNll = nllOf(equal);
  const grid = simplex(k, steps);
  for (const cand of grid) {
    const v = nllOf(cand);
    if (v < bestNll - 1e-12 || (Math.abs(v - bestNll) <= 1e-12 && dist(cand) < dist(best))) {
      best = cand;
      bestNll = v;
    }
  }
  return { weights: best, nll: bestNll, nllEqual: nllOf(equal), candidates: grid.length };
}
