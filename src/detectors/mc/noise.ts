import type { Prng } from './prng.js';

/**
 * Noise tensors for Monte Carlo inference, fed to a model as graph inputs (never generated inside
 * the graph: ONNX Runtime's optimiser deletes exported Dropout nodes and in-graph random ops cannot
 * be seeded; see ../shared/notes/mc-dropout-onnx.md). One tensor holds T samples for each of N
 * inputs, shape [N, T, width], row-major, so one `run` evaluates every sample.
 *
 * Distributions follow the `mc.inputs[].distribution` field of model manifests (models/README.md):
 * - `bernoulli-mask`: inverted dropout, each value 0 with probability `rate`, else 1 / (1 − rate),
 *   so the mask has expectation 1 and the mean network is the all-ones mask;
 * - `standard-normal`: N(0, 1) values (a Bayesian layer's ε in w = μ + σ·ε); the mean network is
 *   all zeros.
 */
export type NoiseDistribution =
  | { readonly type: 'bernoulli-mask'; readonly rate: number }
  | { readonly type: 'standard-normal' };

export interface NoiseSpec {
  /** Graph input name. */
  readonly name: string;
  /** Last dimension of the [N, T, width] tensor. */
  readonly width: number;
  readonly distribution: NoiseDistribution;
}

function checkShape(n: number, t: number, width: number): number {
  for (const [what, v] of [['N', n], ['T', t], ['width', width]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`noise ${what} must be a positive integer, got ${v}`);
  }
  return n * t * width;
}

/** `count` inverted-dropout mask values: 0 with probability `rate`, else 1 / (1 − rate). */
export function bernoulliMask(rng: Prng, count: number, rate: number, out = new Float32Array(count)): Float32Array {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${rate}`);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < count; i++) out[i] = rng.uniform() < rate ? 0 : keep;
  return out;
}

/** `count` standard normal values. */
export function standardNormal(rng: Prng, count: number, out = new Float32Array(count)): Float32Array {
  for (let i = 0; i < count; i++) out[i] = rng.normal();
  return out;
}

/** A [N, T, width] noise tensor drawn from `spec.distribution`. */
export function sampleNoise(spec: NoiseSpec, n: number, t: number, rng: Prng): Float32Array {
  const count = checkShape(n, t, spec.width);
  const d = spec.distribution;
  return d.type === 'bernoulli-mask' ? bernoulliMask(rng, count, d.rate) : standardNormal(rng, count);
}

/** The noise of the deterministic mean network (all-ones masks, all-zero normals), [N, T, width]. */
export function meanNoise(spec: NoiseSpec, n: number, t: number): Float32Array {
  const count = checkShape(n, t, spec.width);
  return new Float32Array(count).fill(spec.distribution.type === 'bernoulli-mask' ? 1 : 0);
}
