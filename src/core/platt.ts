import { sigmoid } from './uncertainty.js';

/**
 * Platt scaling of a probability: p' = σ(a · logit(p) + b), the map `fakescope calibrate` fits on
 * the fused p(fake) of labelled calibration segments so that "70 % fake" is right about 70 % of the
 * time on real deepfakes, not only on the training distribution the detectors' temperatures were
 * fitted on. `a` rescales confidence (a temperature, 1/a), `b` moves the point where p' = 0.5.
 * Pure functions.
 */
export interface PlattMap {
  /** Slope on logit(p); kept > 0 so the map is increasing (it never swaps "real" and "fake"). */
  readonly a: number;
  /** Offset on the logit scale. */
  readonly b: number;
}

/** The map that changes nothing. */
export const IDENTITY_PLATT: PlattMap = { a: 1, b: 0 };

/** Inputs are clamped to [EPS, 1 − EPS] so logit stays finite. */
const EPS = 1e-6;

const logit = (p: number) => {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
};

/** p mapped through the fitted map. */
export function plattProbability(p: number, map: PlattMap): number {
  return sigmoid(map.a * logit(p) + map.b);
}

/** p through the map when there is one, p as it is without (a policy fitted before the map existed). */
export function mapProbability(p: number, map: PlattMap | undefined): number {
  return map ? plattProbability(p, map) : p;
}

/**
 * The Platt map of a fused score whose detectors are not all there. The main map is fitted on the
 * mixture of every detector the policy weighs; a mixture of fewer of them (a photo, where only the
 * blind detectors apply; the first second of a track, before a temporal detector's window fills) is
 * a different statistic — one detector alone is more spread than the average of two — and the main
 * map would over- or under-state it. `fakescope calibrate` fits one map per such subset.
 */
export interface SubsetPlatt extends PlattMap {
  /** The weighted detectors with evidence this map is for (as a set). */
  readonly detectors: readonly string[];
}

/** The policy's calibration: the main map and, optionally, maps for subsets of its detectors. */
export interface FusedCalibration extends PlattMap {
  readonly subsets?: readonly SubsetPlatt[];
}

/**
 * The map for a fused score made of `present` (the positively weighted detectors that had
 * evidence): the subset map fitted for exactly that set when there is one, else the main map
 * (all of them present, or a policy without subset maps). Undefined without a calibration.
 */
export function mapFor(calibration: FusedCalibration | undefined, present: readonly string[]): PlattMap | undefined {
  if (!calibration) return undefined;
  const key = new Set(present);
  const s = calibration.subsets?.find((m) => m.detectors.length === key.size && m.detectors.every((d) => key.has(d)));
  return s ? { a: s.a, b: s.b } : { a: calibration.a, b: calibration.b };
}

export interface PlattFit extends PlattMap {
  /** Weighted mean negative log-likelihood before (identity map) and after the fit. */
  readonly nllBefore: number;
  readonly nllAfter: number;
  readonly iterations: number;
}

/** Smallest slope the fit may return (a ≤ 0 would flatten or invert the scores). */
export const MIN_PLATT_SLOPE = 0.05;

/**
 * Weighted logistic regression of the label on logit(p), by Newton's method, with a small ridge
 * `l2` pulling (a, b) towards the identity (1, 0) so that separable or tiny sets give a finite
 * answer. `weights` default to 1 (pass class-balancing weights for a skewed set).
 */
export function fitPlatt(ps: readonly number[], fake: readonly boolean[], weights?: readonly number[], l2 = 1e-3): PlattFit {
  if (ps.length !== fake.length || (weights && weights.length !== ps.length)) throw new RangeError('fitPlatt: ps, labels and weights differ in length');
  const x = ps.map(logit);
  const w = ps.map((_, i) => weights?.[i] ?? 1);
  const total = w.reduce((s, v) => s + v, 0);
  if (!(total > 0)) throw new RangeError('fitPlatt: no weight');
  const nll = (m: PlattMap) => {
    let s = 0;
    x.forEach((xi, i) => {
      const z = m.a * xi + m.b;
      // −log σ(z) = softplus(−z), −log(1 − σ(z)) = softplus(z), computed stably
      s += (w[i] as number) * softplus(fake[i] ? -z : z);
    });
    return s / total + (l2 * ((m.a - 1) ** 2 + m.b ** 2)) / 2;
  };
  let m: PlattMap = IDENTITY_PLATT;
  let iterations = 0;
  for (; iterations < 100; iterations++) {
    let ga = l2 * (m.a - 1);
    let gb = l2 * m.b;
    let haa = l2;
    let hab = 0;
    let hbb = l2;
    x.forEach((xi, i) => {
      const q = sigmoid(m.a * xi + m.b);
      const r = ((w[i] as number) / total) * (q - (fake[i] ? 1 : 0));
      const h = ((w[i] as number) / total) * q * (1 - q);
      ga += r * xi;
      gb += r;
      haa += h * xi * xi;
      hab += h * xi;
      hbb += h;
    });
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // backtrack so every step lowers the objective (Newton can overshoot far from the optimum)
    let step = 1;
    const before = nll(m);
    let next: PlattMap = { a: Math.max(MIN_PLATT_SLOPE, m.a - da), b: m.b - db };
    while (nll(next) > before && step > 1e-4) {
      step /= 2;
      next = { a: Math.max(MIN_PLATT_SLOPE, m.a - step * da), b: m.b - step * db };
    }
    const moved = Math.abs(next.a - m.a) + Math.abs(next.b - m.b);
    m = next;
    if (moved < 1e-10) break;
  }
  return { a: m.a, b: m.b, nllBefore: nll(IDENTITY_PLATT), nllAfter: nll(m), iterations };
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
