import { describe, expect, it } from 'vitest';
import { designButterworthBandpass, filtfilt, magnitudeResponse } from '../../../../src/detectors/rppg/signal/bandpass.js';

const filter = designButterworthBandpass(30, 0.7, 4, 4);

/** RMS of the filtered tone over its RMS, worst case over 16 phases, on a 128-sample window. */
function gainRange(freqHz: number, n = 128): { min: number; max: number } {
  let min = Infinity;
  let max = 0;
  for (let k = 0; k < 16; k++) {
    const x = Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * freqHz * i) / 30 + (k * Math.PI) / 8));
    const y = filtfilt(filter, x);
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sx += (x[i] as number) ** 2;
      sy += (y[i] as number) ** 2;
    }
    const g = Math.sqrt(sy / sx);
    min = Math.min(min, g);
    max = Math.max(max, g);
  }
  return { min, max };
}

describe('Butterworth band-pass design', () => {
  it.each([
    // [frequency Hz, expected |H| of one pass, tolerance]: −3 dB at both cutoffs, flat inside.
    // (the other edge's section pulls the cutoff gain down by ~2e-7)
    [0.7, Math.SQRT1_2, 1e-6],
    [4, Math.SQRT1_2, 1e-6],
    [1.7, 1, 0.01],
    [0.2, 0, 0.01],
    [8, 0, 0.05],
    [12, 0, 1e-3],
  ])('|H(%f Hz)| ≈ %f', (f, want, tol) => {
    expect(Math.abs(magnitudeResponse(filter, f) - want)).toBeLessThan(tol);
  });

  it.each([
    [30, 0, 4],
    [30, 0.7, 0.5],
    [30, 0.7, 15],
    [-1, 0.7, 4],
  ])('rejects fs = %f with band %f–%f Hz', (fs, lo, hi) => {
    expect(() => designButterworthBandpass(fs, lo, hi)).toThrow(RangeError);
  });

  it('rejects odd orders', () => {
    expect(() => designButterworthBandpass(30, 0.7, 4, 3)).toThrow(RangeError);
  });
});

describe('filtfilt on a 4.3 s window', () => {
  it.each([
    // [tone Hz, min gain, max gain]
    ['drift', 0.2, 0, 0.05],
    ['below band', 0.5, 0, 0.2],
    ['72 bpm pulse', 1.2, 0.9, 1.05],
    ['150 bpm pulse', 2.5, 0.9, 1.05],
    ['above band', 8, 0, 0.1],
    ['near Nyquist', 12, 0, 0.1],
  ])('%s (%f Hz): gain in [%f, %f]', (_name, f, lo, hi) => {
    const g = gainRange(f);
    expect(g.min).toBeGreaterThanOrEqual(lo);
    expect(g.max).toBeLessThanOrEqual(hi);
  });

  it('has zero phase: the filtered pulse lines up with the input', () => {
    const x = Array.from({ length: 300 }, (_, i) => Math.sin((2 * Math.PI * 1.2 * i) / 30));
    const y = filtfilt(filter, x);
    // Away from the edges the output equals the input (zero phase, unit gain at 1.2 Hz).
    for (let i = 100; i < 200; i++) expect(Math.abs((y[i] as number) - (x[i] as number))).toBeLessThan(0.02);
  });

  it.each([
    ['empty', [], []],
    ['one sample', [5], [5]],
  ])('handles %s input', (_name, x, want) => {
    const y = Array.from(filtfilt(filter, x));
    expect(y.length).toBe(want.length);
  });

  it('maps a constant to ~0 and NaN to NaN', () => {
    const c = filtfilt(filter, new Array(128).fill(120));
    for (const v of c) expect(Math.abs(v)).toBeLessThan(1e-9);
    const withNaN = filtfilt(filter, [1, 2, NaN, 4, 5, 6]);
    expect(withNaN.some(Number.isNaN)).toBe(true);
  });
});
