/**
 * Uncertainty of a Bernoulli "fake" prediction from Monte Carlo samples.
 *
 * With samples p_1..p_T of p(fake | x, θ_t):
 *   mean       p̄ = (1/T) Σ p_t
 *   predictive H[p̄]               total uncertainty (nats)
 *   aleatoric  (1/T) Σ H[p_t]      expected entropy: noise the model sees in the data
 *   epistemic  H[p̄] − E[H[p_t]]   mutual information between prediction and weights
 * Entropies use natural logs, so they lie in [0, ln 2]. Pure functions, no I/O.
 *
 * Distance-aware term: a detector with a feature density (src/detectors/blind/density.ts) also
 * reports `distance` ∈ [0, 1], how far the face's features lie from what the model was trained on
 * (0 = typical of the training data, 1 = at or beyond the 99th percentile of in-distribution faces).
 * MC mutual information barely moves off distribution; the distance does. The detector's epistemic
 * figure is then
 *   epistemic = mutual information + ln 2 · distance
 * (a face as far as the training data's extreme counts as one full bit of model ignorance), with
 * the two parts kept apart in `mutualInformation` and `distance`. Without a distance, epistemic is
 * the mutual information alone, as before. Pooling averages the distance over the sets that have
 * one, weighted by their samples.
 */

export interface UncertaintyStats {
  /** Mean probability of "fake" over the samples. */
  readonly mean: number;
  /** Standard deviation of the sampled probabilities (population, divisor T). */
  readonly std: number;
  /** Predictive entropy H[mean], nats. */
  readonly entropy: number;
  /** Expected entropy E[H[p_t]], nats. */
  readonly aleatoric: number;
  /** Epistemic uncertainty, nats: the mutual information, plus ln 2 · `distance` when there is one. */
  readonly epistemic: number;
  /** Number of samples behind the statistics (T, or T_eff for temporal sampling). */
  readonly samples: number;
  /** Mutual information H[mean] − E[H[p_t]], nats — present when `distance` is. */
  readonly mutualInformation?: number;
  /** Distance of the features from the training data, in [0, 1] (detectors with a density only). */
  readonly distance?: number;
}

/** Adds a distance term to MC statistics (see the module comment). */
export function withDistance(s: UncertaintyStats, distance: number): UncertaintyStats {
  if (!(distance >= 0 && distance <= 1)) throw new RangeError(`distance out of [0, 1]: ${distance}`);
  const mi = s.mutualInformation ?? s.epistemic;
  return { ...s, mutualInformation: mi, distance, epistemic: mi + Math.LN2 * distance };
}

export const MAX_BINARY_ENTROPY = Math.LN2;

/** Binary entropy in nats; 0 at p = 0 and p = 1 (limit of p·ln p), ln 2 at p = 0.5. */
export function binaryEntropy(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0 || p === 1) return 0;
    throw new RangeError(`probability out of [0, 1]: ${p}`);
  }
  return -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
}

/** Statistics of a set of sampled probabilities; `null` for an empty set (no evidence). */
export function summarizeSamples(samples: ArrayLike<number>): UncertaintyStats | null {
  const n = samples.length;
  if (n === 0) return null;
  let sum = 0;
  let sumH = 0;
  for (let i = 0; i < n; i++) {
    const p = samples[i] as number;
    sum += p;
    sumH += binaryEntropy(p);
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = (samples[i] as number) - mean;
    sq += d * d;
  }
  const entropy = binaryEntropy(clampProbability(mean));
  const aleatoric = sumH / n;
  // Jensen: H[mean] ≥ mean H; clamp the round-off below zero.
  const epistemic = Math.max(0, entropy - aleatoric);
  return { mean, std: Math.sqrt(sq / n), entropy, aleatoric, epistemic, samples: n };
}

/** Entropy of a categorical distribution in nats (0·ln 0 = 0). */
export function categoricalEntropy(p: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (v < 0 || v > 1) throw new RangeError(`probability out of [0, 1]: ${v}`);
    if (v > 0) h -= v * Math.log(v);
  }
  return h;
}

export interface CategoricalUncertainty {
  readonly mean: readonly number[];
  readonly entropy: number;
  readonly aleatoric: number;
  readonly epistemic: number;
  readonly samples: number;
}

/** Multi-class version of {@link summarizeSamples}: each sample is a probability vector. */
export function summarizeCategorical(samples: readonly ArrayLike<number>[]): CategoricalUncertainty | null {
  const n = samples.length;
  if (n === 0) return null;
  const k = (samples[0] as ArrayLike<number>).length;
  const mean = new Array<number>(k).fill(0);
  let sumH = 0;
  for (const s of samples) {
    if (s.length !== k) throw new RangeError(`sample has ${s.length} classes, expected ${k}`);
    for (let j = 0; j < k; j++) mean[j] = (mean[j] as number) + (s[j] as number) / n;
    sumH += categoricalEntropy(s);
  }
  const entropy = categoricalEntropy(mean.map(clampProbability));
  const aleatoric = sumH / n;
  return { mean, entropy, aleatoric, epistemic: Math.max(0, entropy - aleatoric), samples: n };
}

/** Logistic sigmoid, numerically safe for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function clampProbability(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/**
 * Pool several sample sets (e.g. the samples of consecutive frames of one track) into one.
 * Used by temporal MC sampling: T_eff = Σ sizes.
 */
export function poolSamples(sets: readonly ArrayLike<number>[]): number[] {
  const out: number[] = [];
  for (const s of sets) for (let i = 0; i < s.length; i++) out.push(s[i] as number);
  return out;
}

/**
 * Statistics of the union of several sample sets given only each set's statistics (e.g. per-frame
 * results pooled into a per-track or per-video score). Exact for mean, std, aleatoric and hence
 * epistemic: the pooled expected entropy is the sample-weighted mean of the sets' aleatoric parts,
 * and the pooled predictive entropy is H of the pooled mean.
 */
export function poolStats(sets: readonly UncertaintyStats[]): UncertaintyStats | null {
  const pool = new StatsPool();
  for (const s of sets) pool.add(s);
  const out = pool.stats();
  if (!out) return null;
  // The two-pass variance (exact for any values) instead of the pool's running sums.
  let sq = 0;
  for (const s of sets) sq += s.samples * (s.std * s.std + (s.mean - out.mean) * (s.mean - out.mean));
  return { ...out, std: Math.sqrt(sq / out.samples) };
}

/**
 * `poolStats` computed incrementally: O(1) memory however many sets are added (a live stream's
 * per-detector and per-track scores). Same statistics as `poolStats` over the same sets, with the
 * variance from running sums (the values are probabilities, so cancellation is negligible).
 */
export class StatsPool {
  private n = 0;
  private sum = 0;
  private sumH = 0;
  private sumSq = 0;
  private sets = 0;
  private nDistance = 0;
  private sumDistance = 0;

  add(s: UncertaintyStats): void {
    this.sets++;
    this.n += s.samples;
    this.sum += s.mean * s.samples;
    this.sumH += s.aleatoric * s.samples;
    this.sumSq += s.samples * (s.std * s.std + s.mean * s.mean);
    if (s.distance !== undefined) {
      this.nDistance += s.samples;
      this.sumDistance += s.distance * s.samples;
    }
  }

  /** How many sets (e.g. face-frames) were added. */
  get count(): number {
    return this.sets;
  }

  stats(): UncertaintyStats | null {
    if (this.n === 0) return null;
    const mean = this.sum / this.n;
    const entropy = binaryEntropy(clampProbability(mean));
    const aleatoric = this.sumH / this.n;
    const std = Math.sqrt(Math.max(0, this.sumSq / this.n - mean * mean));
    const base = { mean, std, entropy, aleatoric, epistemic: Math.max(0, entropy - aleatoric), samples: this.n };
    return this.nDistance > 0 ? withDistance(base, this.sumDistance / this.nDistance) : base;
  }
}
