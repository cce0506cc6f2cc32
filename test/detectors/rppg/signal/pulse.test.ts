import { describe, expect, it } from 'vitest';
import { designButterworthBandpass, filtfilt } from '../../../../src/detectors/rppg/signal/bandpass.js';
import { detrendLinear } from '../../../../src/detectors/rppg/signal/detrend.js';
import { createFftPlan } from '../../../../src/detectors/rppg/signal/fft.js';
import {
  PULSE_METHODS,
  type PulseMethod,
  type RgbTrace,
  extractPulse,
  movingMean,
  posPulse,
} from '../../../../src/detectors/rppg/signal/pulse.js';
import { bandPeak, powerSpectrum } from '../../../../src/detectors/rppg/signal/spectrum.js';
import { PULSE_SIGNATURE, pulseTrace } from '../synth.js';

const filter = designButterworthBandpass(30, 0.7, 4, 4);
const plan = createFftPlan(2048);

function heartRateBpm(method: PulseMethod, rgb: RgbTrace): number {
  const peak = bandPeak(powerSpectrum(extractPulse(method, rgb, filter), 30, plan), 0.7, 4);
  return (peak?.freqHz ?? NaN) * 60;
}

/** POS exactly as Wang et al. (2017) Algorithm 1, but averaging the overlap-add (see posPulse). */
function referencePos(rgb: RgbTrace, len: number): Float64Array {
  const n = rgb.r.length;
  const h = new Float64Array(n);
  const count = new Float64Array(n);
  for (let m = 0; m + len <= n; m++) {
    const mu = [rgb.r, rgb.g, rgb.b].map((c) => {
      let s = 0;
      for (let i = m; i < m + len; i++) s += c[i] as number;
      return s / len;
    }) as [number, number, number];
    const s1: number[] = [];
    const s2: number[] = [];
    for (let i = m; i < m + len; i++) {
      const r = (rgb.r[i] as number) / mu[0];
      const g = (rgb.g[i] as number) / mu[1];
      const b = (rgb.b[i] as number) / mu[2];
      s1.push(g - b);
      s2.push(g + b - 2 * r);
    }
    const sd = (x: number[]) => {
      const mx = x.reduce((a, v) => a + v, 0) / x.length;
      return Math.sqrt(x.reduce((a, v) => a + (v - mx) ** 2, 0) / x.length);
    };
    const alpha = sd(s1) / sd(s2);
    const hw = s1.map((v, i) => v + alpha * (s2[i] as number));
    const hm = hw.reduce((a, v) => a + v, 0) / len;
    hw.forEach((v, i) => {
      h[m + i] = (h[m + i] as number) + v - hm;
      count[m + i] = (count[m + i] as number) + 1;
    });
  }
  return h.map((v, i) => v / Math.max(1, count[i] as number));
}

describe('pulse extraction recovers the heart rate from noisy, drifting RGB traces', () => {
  const cases: [PulseMethod, number, number][] = [];
  for (const method of PULSE_METHODS) for (const hrHz of [0.9, 1.2, 1.8]) for (const seed of [1, 2, 3]) cases.push([method, hrHz, seed]);
  it.each(cases)('%s at %f Hz, seed %i: within ±2 bpm', (method, hrHz, seed) => {
    // 0.7-level pulse in green, 0.1-level noise per sample (the face mean of a few hundred noisy
    // pixels), a 10 % illumination ramp plus a slow wave.
    const rgb = pulseTrace({ n: 128, fs: 30, hrHz, pulseLevels: 0.7, noiseLevels: 0.1, drift: 0.1, seed });
    expect(Math.abs(heartRateBpm(method, rgb) - hrHz * 60)).toBeLessThan(2);
  });

  it('CHROM and POS cancel an in-band flicker of the light that fools GREEN', () => {
    const rgb = pulseTrace({ n: 128, fs: 30, hrHz: 1.2, pulseLevels: 0.7, noiseLevels: 0.05, drift: 0, seed: 4 });
    // 1 % brightness flicker at 1.8 Hz (108 bpm), the same factor on all channels.
    const flicker = (c: ArrayLike<number>) => Float64Array.from(c, (v, i) => v * (1 + 0.01 * Math.sin((2 * Math.PI * 1.8 * i) / 30)));
    const lit = { r: flicker(rgb.r), g: flicker(rgb.g), b: flicker(rgb.b) };
    expect(Math.abs(heartRateBpm('green', lit) - 108)).toBeLessThan(2);
    expect(Math.abs(heartRateBpm('chrom', lit) - 72)).toBeLessThan(2);
    expect(Math.abs(heartRateBpm('pos', lit) - 72)).toBeLessThan(2);
  });
});

describe('posPulse', () => {
  it.each([
    [128, 1],
    [128, 2],
    [48, 3],
    [30, 4],
    [300, 5],
  ])('equals the direct algorithm (n = %i, seed %i)', (n, seed) => {
    const rgb = pulseTrace({ n, fs: 30, hrHz: 1.2, pulseLevels: 0.7, noiseLevels: 0.3, drift: 0.05, seed });
    const fast = posPulse(rgb, filter);
    const direct = referencePos(rgb, Math.min(n, 48));
    // posPulse ends with detrend + band-pass; apply the same stages to the direct result.
    const want = filtfilt(filter, detrendLinear(direct));
    for (let i = 0; i < n; i++) expect(fast[i]).toBeCloseTo(want[i] as number, 10);
  });
});

describe('edge cases', () => {
  const constant: RgbTrace = { r: new Array(128).fill(180), g: new Array(128).fill(120), b: new Array(128).fill(100) };
  it.each(PULSE_METHODS)('%s: a constant colour gives a flat zero signal', (method) => {
    const out = extractPulse(method, constant, filter);
    expect(out.length).toBe(128);
    for (const v of out) expect(Math.abs(v)).toBeLessThan(1e-9);
  });

  it.each(PULSE_METHODS)('%s: a black channel gives NaN (nothing to normalise by)', (method) => {
    const out = extractPulse(method, { ...constant, b: new Array(128).fill(0), g: new Array(128).fill(0) }, filter);
    expect(out.every(Number.isNaN)).toBe(true);
  });

  it.each(PULSE_METHODS)('%s: empty input gives an empty signal', (method) => {
    expect(extractPulse(method, { r: [], g: [], b: [] }, filter).length).toBe(0);
  });

  it.each(PULSE_METHODS)('%s: a two-sample input does not throw', (method) => {
    expect(extractPulse(method, { r: [180, 181], g: [120, 121], b: [100, 101] }, filter).length).toBe(2);
  });

  it('GREEN reads more blood (darker skin) as positive', () => {
    const rgb = pulseTrace({ n: 128, fs: 30, hrHz: 1.2, pulseLevels: 2, noiseLevels: 0, drift: 0, seed: 1 });
    const out = extractPulse('green', rgb, filter);
    // pulseTrace darkens skin by the pulse wave, which is positive at t = 0.2 s (quarter period).
    expect(out[6] as number).toBeGreaterThan(0);
    expect(PULSE_SIGNATURE[1]).toBeGreaterThan(PULSE_SIGNATURE[0]);
  });
});

describe('movingMean', () => {
  it.each([
    [[1, 2, 3, 4, 5], 3, [1.5, 2, 3, 4, 4.5]],
    [[1, 2, 3], 1, [1, 2, 3]],
    [[2, 4], 5, [3, 3]],
  ])('%j with window %i', (x, len, want) => {
    expect(Array.from(movingMean(x, len))).toEqual(want);
  });
});
