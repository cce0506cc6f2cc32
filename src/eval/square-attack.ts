import type { Prng } from '../detectors/mc/prng.js';
import { createPrng } from '../detectors/mc/prng.js';

/**
 * The score-based L∞ Square Attack (Andriushchenko, Croce, Flammarion & Hein, ECCV 2020): a
 * black-box attack that needs only the model's scores, no gradients. It starts from vertical
 * stripes of ±ε and then, query by query, re-draws ±ε on one random square window (one sign per
 * channel) and keeps the change when the loss went down. The window's area follows the paper's
 * schedule (a fraction `pInit` of the image, halved at fixed fractions of the query budget).
 *
 * Works on one CHW image in the model's normalised space z = (pixel·scale − mean[c]) / std[c]:
 * ε is given in pixel units / 255 (4/255 = four grey levels) and every queried image stays within
 * ε of the clean one and inside the valid pixel range [0, 255] in pixel space. Pure apart from the
 * injected scorer; all randomness comes from `seed`, so a run repeats exactly.
 */

/** Scores a batch of images (same shape as the clean one); lower is better for the attacker. */
export type BatchScorer = (batch: readonly Float32Array[]) => Promise<readonly number[]>;

export interface ImageShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** z = (pixel·scale − mean[c]) / std[c] for pixel in [0, 255] (the model manifest's normalisation). */
export interface PixelNormalisation {
  readonly scale: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export interface SquareAttackOptions {
  readonly shape: ImageShape;
  readonly normalisation: PixelNormalisation;
  /** L∞ radius in pixel units / 255 (default 4/255). */
  readonly epsilon?: number;
  /** Scorer evaluations in all, the clean image's included (default 200). */
  readonly queries?: number;
  readonly seed?: number;
  /** Initial fraction of the image a square covers (default 0.05, the paper's L∞ value). */
  readonly pInit?: number;
  /** Stop as soon as the best score is at or below this (default: use every query). */
  readonly stopAt?: number;
}

export interface SquareAttackResult {
  /** The lowest-scoring image queried (the clean image itself when nothing beat it). */
  readonly adversarial: Float32Array;
  readonly cleanScore: number;
  readonly score: number;
  /** Best score so far after each query; [0] is the clean image's score. Non-increasing. */
  readonly trajectory: readonly number[];
  readonly queries: number;
}

/** The paper's square-size schedule, rescaled from 10 000 iterations to `iterations`. */
export function squareFraction(pInit: number, iteration: number, iterations: number): number {
  const it = Math.floor((iteration / iterations) * 10_000);
  const steps: readonly [number, number][] = [
    [10, 1], [50, 2], [200, 4], [500, 8], [1000, 16], [2000, 32], [4000, 64], [6000, 128], [8000, 256], [10_000, 512],
  ];
  if (it <= 10) return pInit;
  for (const [upTo, div] of steps) if (it <= upTo) return pInit / div;
  return pInit;
}

/** Side of the square window for fraction `p` of an h×w image, in [1, min(h, w) − 1]. */
export function squareSide(p: number, height: number, width: number): number {
  const side = Math.round(Math.sqrt(p * height * width));
  return Math.min(Math.max(side, 1), Math.max(1, Math.min(height, width) - 1));
}

interface Bounds {
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly eps: Float64Array;
}

function channelBounds(o: SquareAttackOptions, epsilon: number): Bounds {
  const { channels } = o.shape;
  const { scale, mean, std } = o.normalisation;
  if (mean.length !== channels || std.length !== channels) throw new RangeError(`normalisation needs ${channels} means and stds`);
  const lo = new Float64Array(channels);
  const hi = new Float64Array(channels);
  const eps = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = mean[c] as number;
    const s = std[c] as number;
    if (!(s > 0)) throw new RangeError(`std[${c}] must be > 0`);
    lo[c] = (0 - m) / s;
    hi[c] = (255 * scale - m) / s;
    eps[c] = (epsilon * 255 * scale) / s;
  }
  return { lo, hi, eps };
}

function checkImage(x: Float32Array, shape: ImageShape, b: Bounds): void {
  const plane = shape.height * shape.width;
  if (x.length !== shape.channels * plane) throw new RangeError(`image has ${x.length} values, shape says ${shape.channels * plane}`);
  for (let c = 0; c < shape.channels; c++) {
    const lo = b.lo[c] as number;
    const hi = b.hi[c] as number;
    const tol = 1e-4 * (hi - lo);
    for (let i = c * plane; i < (c + 1) * plane; i++) {
      const v = x[i] as number;
      if (!(v >= lo - tol && v <= hi + tol)) throw new RangeError(`image value ${v} at ${i} is outside the valid pixel range`);
    }
  }
}

async function scoreAll(scorer: BatchScorer, batch: readonly Float32Array[]): Promise<number[]> {
  const scores = await scorer(batch);
  if (scores.length !== batch.length || scores.some((s) => !Number.isFinite(s))) {
    throw new RangeError(`scorer returned ${JSON.stringify(scores)} for ${batch.length} images`);
  }
  return [...scores];
}

const sign = (rng: Prng): number => (rng.uniform() < 0.5 ? -1 : 1);

/** Runs the attack on `image` (not modified); see the top of this file. */
export async function squareAttack(image: Float32Array, scorer: BatchScorer, o: SquareAttackOptions): Promise<SquareAttackResult> {
  const epsilon = o.epsilon ?? 4 / 255;
  const budget = o.queries ?? 200;
  const pInit = o.pInit ?? 0.05;
  const stopAt = o.stopAt ?? Number.NEGATIVE_INFINITY;
  if (!(epsilon >= 0 && epsilon <= 1)) throw new RangeError(`epsilon must be in [0, 1], got ${epsilon}`);
  if (!(Number.isInteger(budget) && budget >= 1)) throw new RangeError(`queries must be a positive integer, got ${budget}`);
  if (!(pInit > 0 && pInit <= 1)) throw new RangeError(`pInit must be in (0, 1], got ${pInit}`);
  const { channels, height: h, width: w } = o.shape;
  const b = channelBounds(o, epsilon);
  checkImage(image, o.shape, b);
  const plane = h * w;
  const clamp = (c: number, v: number) => Math.min(b.hi[c] as number, Math.max(b.lo[c] as number, v));
  const rng = createPrng(o.seed ?? 0);

  // Vertical stripes: one random sign per channel and column.
  let current = new Float32Array(image.length);
  for (let c = 0; c < channels; c++) {
    for (let col = 0; col < w; col++) {
      const d = sign(rng) * (b.eps[c] as number);
      for (let row = 0; row < h; row++) {
        const i = c * plane + row * w + col;
        current[i] = clamp(c, (image[i] as number) + d);
      }
    }
  }
  const useInit = budget >= 2 && epsilon > 0;
  const [cleanScore, initScore] = (await scoreAll(scorer, useInit ? [image, current] : [image])) as [number, number?];
  let best = image;
  let bestScore = cleanScore;
  const trajectory = [cleanScore];
  let currentScore = initScore ?? cleanScore;
  if (initScore !== undefined) {
    if (initScore < bestScore) [best, bestScore] = [current, initScore];
    trajectory.push(bestScore);
  }

  const iterations = budget - 1; // the paper's n_iters: the initialisation and its updates
  for (let it = 0, guard = 0; trajectory.length < budget && bestScore > stopAt && guard < 100 * budget; it++, guard++) {
    const s = squareSide(squareFraction(pInit, it, iterations), h, w);
    const top = Math.floor(rng.uniform() * (h - s + 1));
    const left = Math.floor(rng.uniform() * (w - s + 1));
    const candidate = current.slice();
    let changed = false;
    // Re-draw while the window would not change (the paper's loop), a bounded number of times.
    for (let tries = 0; tries < 16 && !changed; tries++) {
      for (let c = 0; c < channels; c++) {
        const d = sign(rng) * (b.eps[c] as number);
        for (let row = top; row < top + s; row++) {
          for (let col = left; col < left + s; col++) {
            const i = c * plane + row * w + col;
            const v = clamp(c, (image[i] as number) + d);
            candidate[i] = v;
            if (Math.abs(v - (current[i] as number)) > 1e-7) changed = true;
          }
        }
      }
    }
    if (!changed) continue;
    const [score] = (await scoreAll(scorer, [candidate])) as [number];
    if (score < currentScore) [current, currentScore] = [candidate, score];
    if (score < bestScore) [best, bestScore] = [candidate, score];
    trajectory.push(bestScore);
  }
  return { adversarial: best === image ? image.slice() : best, cleanScore, score: bestScore, trajectory, queries: trajectory.length };
}
