import type { Prng } from '../mc/prng.js';
import { sigmoid, summarizeSamples, type UncertaintyStats } from '../../core/uncertainty.js';

/**
 * How steady a face's identity is over time (docs/blind.md, "How steady the identity is"): the
 * cosine between a face-identity network's descriptors of one track, sampled every ~100 ms, taken
 * between consecutive samples. Generators render a face from one identity code and hold it
 * steadier than a real face that talks, turns and catches the light; the track's consistency (mean
 * cosine) goes through a fitted increasing map to p(fake). Its uncertainty comes from the evidence:
 * the mean is bootstrapped over the window's pairs, so a short or erratic window gives spread
 * samples (epistemic) where a long steady one does not. Pure functions, no I/O.
 */

export interface SteadinessMap {
  /** p(fake) = σ(a · consistency + b); a > 0. */
  readonly a: number;
  readonly b: number;
}

/** One descriptor of a track: when it was taken and the unit-length vector. */
export interface DescriptorSample {
  readonly ptsMs: number;
  readonly unit: Float32Array;
}

/** `v / ‖v‖` (a zero vector stays zero: its cosine with anything is 0). */
export function unitVector(v: ArrayLike<number>): Float32Array {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += (v[i] as number) ** 2;
  const k = sq > 0 ? 1 / Math.sqrt(sq) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) * k;
  return out;
}

export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`descriptor lengths differ: ${a.length} and ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Cosines of consecutive samples (oldest first) no further apart than `maxGapMs`. */
export function pairCosines(samples: readonly DescriptorSample[], maxGapMs: number): number[] {
  const out: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1] as DescriptorSample;
    const b = samples[i] as DescriptorSample;
    if (b.ptsMs - a.ptsMs <= maxGapMs) out.push(dot(a.unit, b.unit));
  }
  return out;
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('mean of no values');
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

export function steadinessProbability(consistency: number, map: SteadinessMap): number {
  return sigmoid(map.a * consistency + map.b);
}

/**
 * p(fake) of `draws` bootstrap resamples of the pairs' mean cosine (with replacement, same size),
 * summarised as Monte Carlo statistics; null without pairs.
 */
export function bootstrapSteadiness(cosines: readonly number[], map: SteadinessMap, draws: number, rng: Prng): UncertaintyStats | null {
  const n = cosines.length;
  if (n === 0) return null;
  const p = new Float64Array(draws);
  for (let d = 0; d < draws; d++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += cosines[Math.floor(rng.uniform() * n)] as number;
    p[d] = steadinessProbability(s / n, map);
  }
  return summarizeSamples(p);
}
