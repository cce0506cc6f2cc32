import { describe, expect, it } from 'vitest';
import type { FeatureDensity } from '../../../src/detectors/blind/density.js';
import { distanceFromScore, featureDistance, negativeLogDensity, parseFeatureDensity, squaredDistances } from '../../../src/detectors/blind/density.js';
import { poolStats, StatsPool, summarizeSamples, withDistance } from '../../../src/core/uncertainty.js';

/** Two classes in 2-D at (0, 0) and (4, 0), shared covariance diag(1, 0.25) → precision diag(1, 4). */
function toy(reference = { p50: 2, p99: 6 }): FeatureDensity {
  return parseFeatureDensity(
    {
      schema: 'fakescope-density/1',
      dim: 2,
      classes: ['real', 'sbi'],
      means: [[0, 0], [4, 0]],
      logPriors: [Math.log(0.5), Math.log(0.5)],
      precisionCholesky: [[1, 0], [0, 2]],
      logDetCov: Math.log(0.25),
      reference,
    },
    'toy',
  );
}

/** Deterministic pseudo-random normal draws (Box–Muller on a LCG). */
function normals(n: number, seed: number): number[] {
  let s = seed;
  const u = () => ((s = (s * 1664525 + 1013904223) % 4294967296) + 0.5) / 4294967296;
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

describe('feature density', () => {
  it.each([
    { f: [0, 0], d2: [0, 16] },
    { f: [4, 0], d2: [16, 0] },
    { f: [0, 1], d2: [4, 20] },
    { f: [2, 0.5], d2: [5, 5] },
  ])('Mahalanobis distances of $f', ({ f, d2 }) => {
    const got = squaredDistances(toy(), f);
    got.forEach((v, i) => expect(v).toBeCloseTo(d2[i] as number, 12));
  });

  it('is the negative log of a mixture of Gaussians', () => {
    const d = toy();
    const f = [1, 0.2];
    // direct: 0.5·N(f; μ0, Σ) + 0.5·N(f; μ1, Σ), |Σ| = 0.25
    const g = (dx: number, dy: number) => Math.exp(-0.5 * (dx * dx + 4 * dy * dy)) / (2 * Math.PI * Math.sqrt(0.25));
    const p = 0.5 * g(1, 0.2) + 0.5 * g(-3, 0.2);
    expect(negativeLogDensity(d, f)).toBeCloseTo(-Math.log(p), 10);
  });

  it('gives in-distribution points small distances and far points the largest', () => {
    const d = toy();
    const xs = normals(400, 7);
    const ys = normals(400, 11);
    // in distribution: draws around the class means with the model's covariance
    const inDist = xs.map((x, i) => featureDistance(d, [x + (i % 2 ? 4 : 0), 0.5 * (ys[i] as number)]));
    const outDist = [[2, 3], [-6, 0], [10, -2], [2, -4]].map((f) => featureDistance(d, f));
    const median = [...inDist].sort((a, b) => a - b)[200] as number;
    expect(median).toBeLessThan(0.2);
    for (const o of outDist) expect(o).toBe(1);
    // AUROC of distance for out- vs in-distribution is 1 here
    expect(Math.min(...outDist)).toBeGreaterThan(Math.max(...inDist.filter((_, i) => i < 390)) - 1e-12);
  });

  it.each([
    { s: 1, d: 0 },
    { s: 2, d: 0 },
    { s: 4, d: 0.5 },
    { s: 6, d: 1 },
    { s: 100, d: 1 },
  ])('maps score $s to distance $d', ({ s, d }) => {
    expect(distanceFromScore(s, { p50: 2, p99: 6 })).toBeCloseTo(d, 12);
  });

  it('refuses malformed statistics with E_MODEL', () => {
    const bad = (patch: Record<string, unknown>) => () => parseFeatureDensity({ ...JSON.parse(JSON.stringify({ schema: 'fakescope-density/1', dim: 2, classes: ['a'], means: [[0, 0]], logPriors: [0], precisionCholesky: [[1, 0], [0, 1]], logDetCov: 0, reference: { p50: 0, p99: 1 } })), ...patch }, 'x');
    expect(bad({ dim: 3 })).toThrow(/E_MODEL|means\[0\] must be 3/);
    expect(bad({ means: [[0, Number.NaN]] })).toThrow(/finite/);
    expect(bad({ reference: { p50: 1, p99: 1 } })).toThrow(/p50 < p99/);
    expect(bad({ schema: 'other/2' })).toThrow(/unknown schema/);
  });
});

describe('epistemic with a distance term', () => {
  it('adds ln 2 · distance to the mutual information and keeps both parts', () => {
    const mc = summarizeSamples([0.2, 0.3, 0.25, 0.22])!;
    const s = withDistance(mc, 0.5);
    expect(s.mutualInformation).toBeCloseTo(mc.epistemic, 15);
    expect(s.distance).toBe(0.5);
    expect(s.epistemic).toBeCloseTo(mc.epistemic + 0.5 * Math.LN2, 15);
    expect(() => withDistance(mc, 1.5)).toThrow(RangeError);
  });

  it('pools the distance over the sets that have one, weighted by samples', () => {
    const a = withDistance(summarizeSamples([0.9, 0.8])!, 1); // 2 samples, far
    const b = withDistance(summarizeSamples([0.1, 0.2, 0.15, 0.1, 0.12, 0.2])!, 0); // 6 samples, typical
    const c = summarizeSamples([0.5, 0.6])!; // a detector without a density
    const pooled = poolStats([a, b, c])!;
    expect(pooled.distance).toBeCloseTo(2 / 8, 12);
    const mi = pooled.mutualInformation as number;
    expect(pooled.epistemic).toBeCloseTo(mi + 0.25 * Math.LN2, 12);
    // the same through the incremental pool
    const pool = new StatsPool();
    for (const s of [a, b, c]) pool.add(s);
    expect(pool.stats()!.distance).toBeCloseTo(0.25, 12);
    expect(pool.stats()!.epistemic).toBeCloseTo(pooled.epistemic, 10);
    // no distance anywhere: epistemic is the MI alone, as before
    expect(poolStats([c])!.distance).toBeUndefined();
  });
});
