import { describe, expect, it } from 'vitest';
import { countMissing, gridEndingAt, resampleUniform } from '../../../../src/detectors/rppg/signal/resample.js';
import { rng } from '../synth.js';

describe('resampleUniform', () => {
  it('reproduces a line exactly from jittered timestamps', () => {
    const uniform = rng(1);
    // ~30 fps with ±8 ms jitter, as a variable-frame-rate capture delivers.
    const t = Array.from({ length: 150 }, (_, i) => i / 30 + (uniform() - 0.5) * 0.016);
    const x = t.map((ti) => 3 + 2 * ti);
    const grid = gridEndingAt(t[t.length - 1] as number, 30, 128);
    const out = resampleUniform(t, x, grid, 0.5);
    for (let g = 0; g < grid.n; g++) expect(out[g]).toBeCloseTo(3 + 2 * (grid.t0 + g / 30), 9);
  });

  it('keeps a 1.2 Hz sinusoid within 1 % of its amplitude from 25 fps jittered samples', () => {
    const uniform = rng(2);
    const t = Array.from({ length: 120 }, (_, i) => i / 25 + (uniform() - 0.5) * 0.02);
    const x = t.map((ti) => Math.sin(2 * Math.PI * 1.2 * ti));
    const grid = gridEndingAt(t[t.length - 1] as number, 30, 128);
    const out = resampleUniform(t, x, grid, 0.5);
    expect(countMissing(out)).toBe(0);
    for (let g = 0; g < grid.n; g++) expect(Math.abs((out[g] as number) - Math.sin(2 * Math.PI * 1.2 * (grid.t0 + g / 30)))).toBeLessThan(0.05);
  });

  it.each([
    // [description, t, x, grid, expected]
    ['exact grid times', [0, 0.1, 0.2], [1, 2, 3], { t0: 0, fs: 10, n: 3 }, [1, 2, 3]],
    ['between samples', [0, 0.4], [0, 10], { t0: 0.1, fs: 10, n: 3 }, [2.5, 5, 7.5]],
    ['NaN values are skipped', [0, 0.1, 0.2], [1, NaN, 3], { t0: 0, fs: 10, n: 3 }, [1, 2, 3]],
    ['a gap longer than maxGap is not bridged', [0, 2], [0, 10], { t0: 0, fs: 2, n: 5 }, [0, NaN, NaN, NaN, 10]],
    ['points near a long gap keep the nearer sample', [0, 2], [0, 10], { t0: 0.2, fs: 5, n: 2 }, [0, NaN]],
    ['edges are held for maxGap / 2 only', [1, 1.1], [5, 6], { t0: 0.6, fs: 5, n: 5 }, [NaN, 5, 5, 6, NaN]],
    ['equal times: the later sample wins', [0, 0.1, 0.1, 0.2], [0, 7, 1, 2], { t0: 0, fs: 10, n: 3 }, [0, 1, 2]],
    ['empty input gives NaN', [], [], { t0: 0, fs: 10, n: 2 }, [NaN, NaN]],
  ])('%s', (_name, t, x, grid, expected) => {
    const out = Array.from(resampleUniform(t, x, grid, 0.5));
    expect(out.length).toBe(expected.length);
    out.forEach((v, i) => {
      const want = expected[i] as number;
      if (Number.isNaN(want)) expect(v).toBeNaN();
      else expect(v).toBeCloseTo(want, 9);
    });
  });

  it('rejects decreasing timestamps and mismatched lengths', () => {
    expect(() => resampleUniform([0, 1, 0.5], [1, 2, 3], { t0: 0, fs: 1, n: 2 }, 0.5)).toThrow(RangeError);
    expect(() => resampleUniform([0, 1], [1], { t0: 0, fs: 1, n: 2 }, 0.5)).toThrow(RangeError);
  });
});

describe('gridEndingAt', () => {
  it('ends on the given time', () => {
    const grid = gridEndingAt(10, 30, 128);
    expect(grid.t0 + (grid.n - 1) / grid.fs).toBeCloseTo(10, 12);
  });
});
