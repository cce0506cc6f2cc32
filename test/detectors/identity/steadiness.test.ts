/**
 * The identity-steadiness math (src/detectors/identity/steadiness.ts) and its per-track window
 * (window.ts): cosines of consecutive samples within the gap, the increasing map, the bootstrap's
 * uncertainty (none for a constant window, more for fewer and more erratic pairs), determinism
 * under a seed, and sampling about every 100 ms at common frame rates.
 */
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../src/detectors/mc/prng.js';
import { bootstrapSteadiness, dot, mean, pairCosines, steadinessProbability, unitVector } from '../../../src/detectors/identity/steadiness.js';
import { DescriptorWindow } from '../../../src/detectors/identity/window.js';

const MAP = { a: 26.85, b: -25.86 };
const unit = (...v: number[]) => unitVector(v);

describe('unitVector and dot', () => {
  it.each([
    [[3, 4], [0.6, 0.8]],
    [[0, 0, 2], [0, 0, 1]],
    [[0, 0], [0, 0]],
  ])('unitVector(%j) = %j', (v, want) => {
    expect([...unitVector(v)].map((x) => Math.round(x * 1e6) / 1e6)).toEqual(want);
  });

  it('refuses descriptors of different lengths', () => {
    expect(() => dot(unit(1, 0), unit(1, 0, 0))).toThrow(RangeError);
  });
});

describe('pairCosines', () => {
  const at = (ptsMs: number, ...v: number[]) => ({ ptsMs, unit: unit(...v) });
  it('takes consecutive pairs and skips those further apart than the gap', () => {
    const samples = [at(0, 1, 0), at(100, 1, 1), at(200, 0, 1), at(600, 1, 0), at(700, 1, 0)];
    const c = pairCosines(samples, 150);
    expect(c.map((x) => Math.round(x * 1e4) / 1e4)).toEqual([0.7071, 0.7071, 1]);
  });
  it('is empty for fewer than two samples', () => {
    expect(pairCosines([at(0, 1)], 150)).toEqual([]);
  });
});

describe('steadinessProbability', () => {
  it('increases with consistency and is σ(a·c + b)', () => {
    const ps = [0.9, 0.95, 0.97, 0.99, 1].map((c) => steadinessProbability(c, MAP));
    for (let i = 1; i < ps.length; i++) expect(ps[i]).toBeGreaterThan(ps[i - 1] as number);
    expect(steadinessProbability(0.99, MAP)).toBeCloseTo(1 / (1 + Math.exp(-(26.85 * 0.99 - 25.86))), 12);
  });
});

describe('bootstrapSteadiness', () => {
  it('has no spread when every pair is the same', () => {
    const s = bootstrapSteadiness(Array(12).fill(0.97), MAP, 32, createPrng(1));
    expect(s?.std).toBeCloseTo(0, 12);
    expect(s?.epistemic).toBeCloseTo(0, 12);
    expect(s?.mean).toBeCloseTo(steadinessProbability(0.97, MAP), 12);
    expect(s?.samples).toBe(32);
  });

  it('is more uncertain on fewer, more erratic pairs', () => {
    const steady = Array.from({ length: 23 }, (_, i) => 0.97 + 0.002 * Math.sin(i));
    const erratic = Array.from({ length: 8 }, (_, i) => 0.97 + 0.03 * Math.sin(i * 2.1));
    const a = bootstrapSteadiness(steady, MAP, 64, createPrng(3));
    const b = bootstrapSteadiness(erratic, MAP, 64, createPrng(3));
    expect(b?.std as number).toBeGreaterThan(5 * (a?.std as number));
    expect(b?.epistemic as number).toBeGreaterThan(a?.epistemic as number);
  });

  it('repeats under a seed and is null without pairs', () => {
    const c = [0.95, 0.99, 0.97, 0.96, 0.98];
    expect(bootstrapSteadiness(c, MAP, 16, createPrng(9))).toEqual(bootstrapSteadiness(c, MAP, 16, createPrng(9)));
    expect(bootstrapSteadiness([], MAP, 16, createPrng(9))).toBeNull();
    expect(() => mean([])).toThrow(RangeError);
  });
});

describe('DescriptorWindow', () => {
  const sampled = (fps: number, frames: number) => {
    const w = new DescriptorWindow({ sampleMs: 100, descriptors: 24 });
    const taken: number[] = [];
    for (let i = 0; i < frames; i++) {
      const t = (i * 1000) / fps;
      if (w.due(t)) {
        w.push({ ptsMs: t, unit: unit(1) });
        taken.push(i);
      }
    }
    return taken;
  };
  it.each([
    [30, [0, 3, 6, 9]],
    [25, [0, 3, 6, 9]],
    [10, [0, 1, 2, 3]],
    [60, [0, 6, 12, 18]],
  ])('at %d fps samples frames %j …', (fps, first) => {
    expect(sampled(fps, 20).slice(0, 4)).toEqual(first);
  });

  it('keeps the newest descriptors and empties when time goes back', () => {
    const w = new DescriptorWindow({ sampleMs: 100, descriptors: 3 });
    for (const t of [0, 100, 200, 300]) w.push({ ptsMs: t, unit: unit(1) });
    expect(w.all.map((s) => s.ptsMs)).toEqual([100, 200, 300]);
    expect(w.due(50)).toBe(true);
    expect(w.all).toHaveLength(0);
  });
});
