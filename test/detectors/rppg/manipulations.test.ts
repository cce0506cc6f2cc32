/**
 * The training manipulations (src/detectors/rppg/manipulations.ts) on synthetic region-sample streams
 * with a clear 72 bpm pulse: each is deterministic under its seed, moves the pooled face region
 * consistently with the cells, and does to the pulse what it claims to.
 */
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../src/detectors/mc/prng.js';
import type { WindowFeatures } from '../../../src/detectors/rppg/features.js';
import { compileRegionLayout } from '../../../src/detectors/rppg/layout.js';
import type { RegionSample } from '../../../src/detectors/rppg/regions.js';
import { PulseWindow } from '../../../src/detectors/rppg/window.js';
import { FAKE_MANIPULATIONS, type Manipulation, type TraceLike, lowpass, manipulate } from '../../../src/detectors/rppg/manipulations.js';
import { sampleStream } from './synth.js';

function trace(seed: number, hrHz = 1.2, pulseLevels = 0.7): TraceLike {
  const s = [...sampleStream({ fps: 30, frames: 240, hrHz, pulseLevels, cellNoise: 0.3, seed })];
  return { ptsMs: s.map((x) => x.ptsMs), samples: s.map((x) => x.sample) };
}

function lastWindow(t: TraceLike): WindowFeatures {
  const win = new PulseWindow();
  let last: WindowFeatures | null = null;
  t.samples.forEach((s, i) => {
    last = win.push(t.ptsMs[i] as number, s) ?? last;
  });
  return last as unknown as WindowFeatures;
}

const target = trace(1);
const donor = trace(2, 1.6);

function run(kind: Manipulation, seed = 5) {
  return manipulate(kind, target, { rng: createPrng(seed), donor });
}

describe('trace manipulations', () => {
  it.each([...FAKE_MANIPULATIONS, 'noise-floor' as const])('%s: same seed, same output; other seed, other output', (kind) => {
    const a = run(kind);
    const b = run(kind);
    const c = run(kind, 6);
    expect(a.samples).toEqual(b.samples);
    expect(a.params).toEqual(b.params);
    expect(a.samples).not.toEqual(c.samples);
    expect(a.samples.length).toBe(target.samples.length);
  });

  it('moves the pooled face by the skin-point-weighted mean change of the cells', () => {
    const layout = compileRegionLayout();
    const points = Array.from({ length: 32 }, (_, c) => (layout.cellStart[c + 1] as number) - (layout.cellStart[c] as number));
    const out = run('incoherent-texture').samples;
    for (const i of [0, 100, 239]) {
      const before = target.samples[i] as RegionSample;
      const after = out[i] as RegionSample;
      for (let ch = 0; ch < 3; ch++) {
        let shift = 0;
        let total = 0;
        for (let c = 0; c < 32; c++) {
          const w = (before.cellSkin[c] as number) * (points[c] as number);
          shift += w * ((after.cellRgb[c * 3 + ch] as number) - (before.cellRgb[c * 3 + ch] as number));
          total += w;
        }
        expect(after.regionRgb[ch]).toBeCloseTo((before.regionRgb[ch] as number) + shift / total, 3);
      }
    }
  });

  it('the unmanipulated synthetic pulse is clear; smoothing and incoherent texture remove it', () => {
    expect(lastWindow(target).state).toBe('ok');
    for (const kind of ['smoothed-skin', 'incoherent-texture'] as const) {
      for (const seed of [1, 2, 3]) {
        const f = lastWindow({ ptsMs: target.ptsMs, samples: run(kind, seed).samples });
        expect(f.state).toBe('low-quality');
        expect(f.snrDb as number).toBeLessThan(3);
      }
    }
  });

  it('resynth-pulse leaves periodic cells that do not move together', () => {
    for (const seed of [1, 2, 3]) {
      const f = lastWindow({ ptsMs: target.ptsMs, samples: run('resynth-pulse', seed).samples });
      expect(f.reasons).toContain('incoherent');
    }
  });

  it("frame-blend shows the donor's pulse (96 bpm) instead of the target's (72 bpm)", () => {
    for (const seed of [1, 2, 3]) {
      const f = lastWindow({ ptsMs: target.ptsMs, samples: run('frame-blend', seed).samples });
      expect(Math.abs((f.hrBpm as number) - 96)).toBeLessThan(4);
    }
  });

  it("frame-replace: the whole face moves together (coherent) but no clear pulse survives the jumps", () => {
    for (const seed of [1, 2, 3]) {
      const f = lastWindow({ ptsMs: target.ptsMs, samples: run('frame-replace', seed).samples });
      expect(f.state).toBe('low-quality');
      expect(f.coherence as number).toBeGreaterThan(0.3);
    }
  });

  it('lowpass keeps slow changes and removes the pulse band, NaN gaps stay NaN', () => {
    const n = 300;
    const x = Float64Array.from({ length: n }, (_, i) => 100 + 5 * Math.sin((2 * Math.PI * 0.02 * i) / 30) + Math.sin((2 * Math.PI * 1.2 * i) / 30));
    x[150] = NaN;
    const y = lowpass(x, 30, 0.3);
    expect(Number.isNaN(y[150] as number)).toBe(true);
    // Band content (1.2 Hz, amplitude 1) reduced to under 0.1; the slow (0.02 Hz) wave kept.
    const residual = Array.from(y.subarray(60, 140), (v, k) => Math.abs(v - (100 + 5 * Math.sin((2 * Math.PI * 0.02 * (k + 60)) / 30))));
    expect(Math.max(...residual)).toBeLessThan(0.1);
  });
});
