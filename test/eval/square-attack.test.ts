import { describe, expect, it } from 'vitest';
import { createPrng } from '../../src/detectors/mc/prng.js';
import type { BatchScorer, PixelNormalisation } from '../../src/eval/square-attack.js';
import { squareAttack, squareFraction, squareSide } from '../../src/eval/square-attack.js';

const SHAPE = { channels: 3, height: 12, width: 12 };
const N = 3 * 12 * 12;
const HALF: PixelNormalisation = { scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
const IMAGENET: PixelNormalisation = { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const RAW: PixelNormalisation = { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };

/** Pixels (0-255) of a normalised CHW image. */
function pixels(z: Float32Array, n: PixelNormalisation): number[] {
  const plane = z.length / 3;
  return Array.from(z, (v, i) => {
    const c = Math.floor(i / plane);
    return (v * (n.std[c] as number) + (n.mean[c] as number)) / n.scale;
  });
}

/** A random image of whole grey levels (as decoded frames are), with some pixels at 0 and 255. */
function image(n: PixelNormalisation, seed = 3): Float32Array {
  const rng = createPrng(seed);
  const plane = N / 3;
  return Float32Array.from({ length: N }, (_, i) => {
    const c = Math.floor(i / plane);
    const u = rng.uniform();
    const p = u < 0.1 ? 0 : u > 0.9 ? 255 : Math.floor(rng.uniform() * 256);
    return (p * n.scale - (n.mean[c] as number)) / (n.std[c] as number);
  });
}

function weights(seed = 9): Float64Array {
  const rng = createPrng(seed);
  return Float64Array.from({ length: N }, () => rng.normal());
}

/** score = Σ w·z, and every queried image recorded. */
function linearScorer(w: Float64Array) {
  const seen: Float32Array[] = [];
  const scorer: BatchScorer = async (batch) => {
    seen.push(...batch);
    return batch.map((z) => z.reduce((s, v, i) => s + v * (w[i] as number), 0));
  };
  return { scorer, seen };
}

/** The linear score's minimum over the ε-ball intersected with the pixel range. */
function linearOptimum(x: Float32Array, w: Float64Array, n: PixelNormalisation, epsilon: number): number {
  const plane = N / 3;
  let s = 0;
  for (let i = 0; i < N; i++) {
    const c = Math.floor(i / plane);
    const std = n.std[c] as number;
    const lo = -(n.mean[c] as number) / std;
    const hi = (255 * n.scale - (n.mean[c] as number)) / std;
    const e = (epsilon * 255 * n.scale) / std;
    const wi = w[i] as number;
    const v = Math.min(hi, Math.max(lo, (x[i] as number) - Math.sign(wi) * e));
    s += wi * v;
  }
  return s;
}

describe('square attack schedule', () => {
  it.each([
    [0, 200, 0.05],
    [1, 200, 0.025],
    [3, 200, 0.0125],
    [100, 200, 0.05 / 128],
    [199, 200, 0.05 / 512],
    [10, 10_000, 0.05],
    [11, 10_000, 0.025],
  ])('iteration %i of %i covers %f of the image', (it, n, p) => {
    expect(squareFraction(0.05, it, n)).toBeCloseTo(p, 12);
  });

  it.each([
    [0.05, 128, 128, 29],
    [0.05 / 512, 128, 128, 1],
    [1, 8, 8, 7],
    [0.5, 1, 1, 1],
  ])('p = %f of %i×%i gives a side of %i', (p, h, w, side) => {
    expect(squareSide(p, h, w)).toBe(side);
  });
});

describe('square attack', () => {
  it.each([
    ['mean/std 0.5', HALF, 4 / 255],
    ['ImageNet normalisation', IMAGENET, 4 / 255],
    ['raw 0-255 pixels', RAW, 8 / 255],
  ] as const)('reduces a linear score and never leaves the ε-ball or the pixel range (%s)', async (_name, norm, epsilon) => {
    const x = image(norm);
    const w = weights();
    const { scorer, seen } = linearScorer(w);
    const r = await squareAttack(x, scorer, { shape: SHAPE, normalisation: norm, epsilon, queries: 300, seed: 1 });
    const optimum = linearOptimum(x, w, norm, epsilon);
    expect(r.queries).toBe(300);
    expect(seen).toHaveLength(300);
    expect(r.trajectory).toHaveLength(300);
    expect(r.trajectory[0]).toBeCloseTo(r.cleanScore, 9);
    for (let i = 1; i < r.trajectory.length; i++) expect(r.trajectory[i]).toBeLessThanOrEqual(r.trajectory[i - 1] as number);
    // At least half of the achievable reduction, and never below the optimum.
    expect(r.score).toBeLessThan(r.cleanScore - 0.5 * (r.cleanScore - optimum));
    expect(r.score).toBeGreaterThanOrEqual(optimum - 1e-3);
    await expect(linearScorer(w).scorer([r.adversarial])).resolves.toEqual([expect.closeTo(r.score, 3)]);
    const clean = pixels(x, norm);
    let maxStep = 0;
    let lowest = Infinity;
    let highest = -Infinity;
    for (const z of [...seen, r.adversarial]) {
      pixels(z, norm).forEach((p, i) => {
        maxStep = Math.max(maxStep, Math.abs(p - (clean[i] as number)));
        lowest = Math.min(lowest, p);
        highest = Math.max(highest, p);
      });
    }
    expect(maxStep).toBeLessThanOrEqual(epsilon * 255 + 1e-3);
    expect(maxStep).toBeGreaterThan(epsilon * 255 - 1e-3);
    expect(lowest).toBeGreaterThanOrEqual(-1e-3);
    expect(highest).toBeLessThanOrEqual(255 + 1e-3);
  });

  it('repeats exactly under the same seed and differs under another', async () => {
    const x = image(HALF);
    const w = weights();
    const run = (seed: number) => squareAttack(x, linearScorer(w).scorer, { shape: SHAPE, normalisation: HALF, queries: 60, seed });
    const [a, b, c] = await Promise.all([run(5), run(5), run(6)]);
    expect(b.trajectory).toEqual(a.trajectory);
    expect(b.adversarial).toEqual(a.adversarial);
    expect(c.trajectory).not.toEqual(a.trajectory);
  });

  it('stops once the score reaches stopAt', async () => {
    const x = image(HALF);
    const w = weights();
    const { scorer } = linearScorer(w);
    const full = await squareAttack(x, scorer, { shape: SHAPE, normalisation: HALF, queries: 200, seed: 2 });
    const target = (full.cleanScore + full.score) / 2;
    const r = await squareAttack(x, scorer, { shape: SHAPE, normalisation: HALF, queries: 200, seed: 2, stopAt: target });
    expect(r.score).toBeLessThanOrEqual(target);
    expect(r.queries).toBeLessThan(200);
    expect(r.trajectory.at(-2)).toBeGreaterThan(target);
  });

  it('returns the clean image when nothing beats it', async () => {
    const x = image(HALF);
    const flat: BatchScorer = async (batch) => batch.map((z) => (z === x ? 0 : 1)); // any change is worse
    const r = await squareAttack(x, flat, { shape: SHAPE, normalisation: HALF, queries: 20, seed: 0 });
    expect(r.score).toBe(0);
    expect(r.adversarial).toEqual(x);
    expect(r.adversarial).not.toBe(x);
    const none = await squareAttack(x, linearScorer(weights()).scorer, { shape: SHAPE, normalisation: HALF, epsilon: 0, queries: 20 });
    expect(none.queries).toBe(1);
    expect(none.adversarial).toEqual(x);
  });

  it.each([
    ['a wrong length', new Float32Array(10), /shape says 432/],
    ['a value outside the pixel range', Float32Array.from({ length: N }, () => 1.5), /outside the valid pixel range/],
  ])('refuses an image with %s', async (_what, x, message) => {
    await expect(squareAttack(x, linearScorer(weights()).scorer, { shape: SHAPE, normalisation: HALF })).rejects.toThrow(message);
  });

  it('refuses a scorer that answers with the wrong count or a non-finite score', async () => {
    const x = image(HALF);
    await expect(squareAttack(x, async () => [0], { shape: SHAPE, normalisation: HALF })).rejects.toThrow(/scorer returned/);
    await expect(squareAttack(x, async (b) => b.map(() => Number.NaN), { shape: SHAPE, normalisation: HALF })).rejects.toThrow(/scorer returned/);
  });
});
