import { FakescopeError } from '../../errors.js';

/**
 * Distance-aware epistemic uncertainty of a blind model: a class-conditional Gaussian density of the
 * model's pooled feature f with one shared covariance (Mahalanobis, Lee et al. 2018; the density
 * view of Deep Deterministic Uncertainty, Mukhoti et al. 2023). Fitted by
 * models/training/density.py on the training faces; the same formulas there and here:
 *
 *   d²_c(f)  = ‖Lᵀ (f − μ_c)‖²                 L: Cholesky factor of the shared precision Σ⁻¹
 *   log p(f) = logsumexp_c [log π_c − ½ d²_c] − ½ log|Σ| − (D/2) log 2π
 *   score    = −log p(f)
 *   distance = clamp((score − p50) / (p99 − p50), 0, 1)
 *
 * p50 and p99 are the median and 99th percentile of the score over in-distribution faces of the
 * calibration split. Pure functions.
 */
export interface FeatureDensity {
  readonly dim: number;
  readonly classes: readonly string[];
  readonly means: readonly Float64Array[];
  readonly logPriors: readonly number[];
  /** Row-major D×D lower-triangular Cholesky factor of the precision matrix. */
  readonly precisionCholesky: Float64Array;
  readonly logDetCov: number;
  readonly reference: { readonly p50: number; readonly p99: number };
  /** Lᵀ μ_c per class, precomputed: d²_c = ‖Lᵀ f − Lᵀ μ_c‖², one D×D product per face instead of one per class. */
  readonly projectedMeans: readonly Float64Array[];
}

/** Lᵀ v for the row-major lower-triangular L (z_j = Σ_{i ≥ j} v_i · L[i][j]). */
function projectT(chol: Float64Array, dim: number, v: ArrayLike<number>): Float64Array {
  const z = new Float64Array(dim);
  for (let i = 0; i < dim; i++) {
    const vi = v[i] as number;
    const row = i * dim;
    for (let j = 0; j <= i; j++) z[j] = (z[j] as number) + vi * (chol[row + j] as number);
  }
  return z;
}

type Json = Record<string, unknown>;

function bad(where: string, what: string): never {
  throw new FakescopeError('E_MODEL', `feature density ${where}: ${what}`);
}

function numberArray(v: unknown, n: number, where: string, what: string): number[] {
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    bad(where, `${what} must be ${n} finite numbers`);
  }
  return v as number[];
}

/** Validates the JSON written by models/training/density.py (`fakescope-density/1`). */
export function parseFeatureDensity(j: Json, where: string): FeatureDensity {
  if (j.schema !== 'fakescope-density/1') bad(where, `unknown schema ${String(j.schema)}`);
  const dim = j.dim;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) bad(where, 'dim must be a positive integer');
  const classes = j.classes;
  if (!Array.isArray(classes) || classes.length === 0 || !classes.every((c) => typeof c === 'string')) bad(where, 'classes must be names');
  const k = classes.length;
  if (!Array.isArray(j.means) || j.means.length !== k) bad(where, `means must have ${k} rows`);
  const means = (j.means as unknown[]).map((row, i) => Float64Array.from(numberArray(row, dim, where, `means[${i}]`)));
  const logPriors = numberArray(j.logPriors, k, where, 'logPriors');
  if (!Array.isArray(j.precisionCholesky) || j.precisionCholesky.length !== dim) bad(where, `precisionCholesky must be ${dim}×${dim}`);
  const chol = new Float64Array(dim * dim);
  (j.precisionCholesky as unknown[]).forEach((row, i) => chol.set(numberArray(row, dim, where, `precisionCholesky[${i}]`), i * dim));
  if (typeof j.logDetCov !== 'number' || !Number.isFinite(j.logDetCov)) bad(where, 'logDetCov must be a number');
  const ref = j.reference as Json | undefined;
  const p50 = ref?.p50;
  const p99 = ref?.p99;
  if (typeof p50 !== 'number' || typeof p99 !== 'number' || !(p99 > p50)) bad(where, 'reference needs p50 < p99');
  const projectedMeans = means.map((mu) => projectT(chol, dim, mu));
  return { dim, classes: classes as string[], means, logPriors, precisionCholesky: chol, logDetCov: j.logDetCov, reference: { p50, p99 }, projectedMeans };
}

/** Squared Mahalanobis distance of f to each class mean. */
export function squaredDistances(d: FeatureDensity, f: ArrayLike<number>): number[] {
  const D = d.dim;
  if (f.length !== D) throw new RangeError(`feature has ${f.length} values, the density expects ${D}`);
  const z = projectT(d.precisionCholesky, D, f);
  return d.projectedMeans.map((zm) => {
    let total = 0;
    for (let j = 0; j < D; j++) {
      const e = (z[j] as number) - (zm[j] as number);
      total += e * e;
    }
    return total;
  });
}

export function negativeLogDensity(d: FeatureDensity, f: ArrayLike<number>): number {
  const a = squaredDistances(d, f).map((d2, c) => (d.logPriors[c] as number) - 0.5 * d2);
  const m = Math.max(...a);
  const lse = m + Math.log(a.reduce((s, x) => s + Math.exp(x - m), 0));
  return -(lse - 0.5 * d.logDetCov - 0.5 * d.dim * Math.log(2 * Math.PI));
}

export function distanceFromScore(score: number, ref: { readonly p50: number; readonly p99: number }): number {
  const t = (score - ref.p50) / Math.max(ref.p99 - ref.p50, 1e-9);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** The face's distance in [0, 1] from its feature vector. */
export function featureDistance(d: FeatureDensity, f: ArrayLike<number>): number {
  return distanceFromScore(negativeLogDensity(d, f), d.reference);
}
