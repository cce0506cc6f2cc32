import { describe, expect, it } from 'vitest';
import { createFftPlan, fftInPlace, isPowerOfTwo, nextPowerOfTwo } from '../../../../src/detectors/rppg/signal/fft.js';
import { gaussian, rng } from '../synth.js';

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * j * k) / n;
      outRe[k] = (outRe[k] as number) + (re[j] as number) * Math.cos(a) - (im[j] as number) * Math.sin(a);
      outIm[k] = (outIm[k] as number) + (re[j] as number) * Math.sin(a) + (im[j] as number) * Math.cos(a);
    }
  }
  return [outRe, outIm];
}

describe('fftInPlace', () => {
  it.each([1, 2, 4, 8, 64, 256])('matches a naive DFT for n = %i (complex input)', (n) => {
    const noise = gaussian(rng(n));
    const re = Float64Array.from({ length: n }, noise);
    const im = Float64Array.from({ length: n }, noise);
    const [wantRe, wantIm] = naiveDft(re, im);
    fftInPlace(createFftPlan(n), re, im);
    for (let k = 0; k < n; k++) {
      expect(re[k]).toBeCloseTo(wantRe[k] as number, 9);
      expect(im[k]).toBeCloseTo(wantIm[k] as number, 9);
    }
  });

  it('puts a pure tone in its bin and the mirror bin', () => {
    const n = 32;
    const re = Float64Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * 5 * j) / n));
    const im = new Float64Array(n);
    fftInPlace(createFftPlan(n), re, im);
    for (let k = 0; k < n; k++) expect(Math.hypot(re[k] as number, im[k] as number)).toBeCloseTo(k === 5 || k === 27 ? 16 : 0, 9);
  });

  it('rejects sizes that are not powers of two and buffers of the wrong length', () => {
    expect(() => createFftPlan(12)).toThrow(RangeError);
    expect(() => createFftPlan(0)).toThrow(RangeError);
    expect(() => fftInPlace(createFftPlan(8), new Float64Array(4), new Float64Array(4))).toThrow(RangeError);
  });
});

describe('power-of-two helpers', () => {
  it.each([
    [1, 1, true],
    [3, 4, false],
    [128, 128, true],
    [129, 256, false],
  ])('n = %i → next %i, power of two: %s', (n, next, pow) => {
    expect(nextPowerOfTwo(n)).toBe(next);
    expect(isPowerOfTwo(n)).toBe(pow);
  });
});
