/**
 * Phase-based motion (src/detectors/motion/phase.ts): a grating shifted by d px must read d, for
 * shifts below half a wavelength, in the direction of the shift only; a brightness change must not
 * move the phase; flat cells must read 0.
 */
import { describe, expect, it } from 'vitest';
import { createQuadratureBank, phaseDisplacement, quadratureResponses } from '../../../src/detectors/motion/phase.js';
import { DEFAULT_MOTION_OPTIONS } from '../../../src/detectors/motion/options.js';
import { texture } from './synth.js';

const bank = createQuadratureBank(DEFAULT_MOTION_OPTIONS.bank);
const S = DEFAULT_MOTION_OPTIONS.bank.size;

function crop(f: (x: number, y: number) => number): Float32Array {
  const out = new Float32Array(S * S);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) out[y * S + x] = f(x + 0.5, y + 0.5);
  return out;
}

const shifts = (f: (x: number, y: number) => number, dx: number, dy: number, gain = 1, offset = 0) => {
  const a = quadratureResponses(bank, crop(f));
  const b = quadratureResponses(bank, crop((x, y) => gain * f(x - dx, y - dy) + offset));
  return phaseDisplacement(bank, a, b, 1);
};

const channels = (d: Float64Array, dir: 0 | 1) => Array.from(d).filter((_, c) => c % 2 === dir);
const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;

describe('phaseDisplacement', () => {
  it.each([
    { dx: 0.25, dy: 0 },
    { dx: -1, dy: 0 },
    { dx: 2.5, dy: 0 },
    { dx: 0, dy: 0.5 },
    { dx: 0, dy: -1.5 },
  ])('a matched grating shifted by ($dx, $dy) px reads that shift within 1 %', ({ dx, dy }) => {
    const gx = (x: number) => 128 + 60 * Math.cos((2 * Math.PI * x) / 8);
    const gy = (_: number, y: number) => 128 + 60 * Math.cos((2 * Math.PI * y) / 8);
    const d = shifts(dx !== 0 ? gx : gy, dx, dy);
    const along = channels(d, dx !== 0 ? 0 : 1);
    const want = dx !== 0 ? dx : dy;
    // Within 1 % (the Gaussian envelope is truncated at ±3σ and at the crop edge).
    for (const v of along) expect(Math.abs(v - want)).toBeLessThan(0.01 * Math.abs(want) + 1e-3);
    // The other direction sees a constant image: no phase to measure, reads 0.
    for (const v of channels(d, dx !== 0 ? 1 : 0)) expect(Math.abs(v)).toBeLessThan(1e-6);
  });

  it.each([0.1, 0.5, 1.2])('a mixed texture shifted by %s px reads it within 15 %', (d) => {
    const x = channels(shifts(texture, d, 0), 0);
    const y = channels(shifts(texture, 0, d), 1);
    expect(mean(x)).toBeGreaterThan(0.85 * d);
    expect(mean(x)).toBeLessThan(1.15 * d);
    expect(mean(y)).toBeGreaterThan(0.85 * d);
    expect(mean(y)).toBeLessThan(1.15 * d);
  });

  it('a brightness and contrast change does not move the phase', () => {
    const d = shifts(texture, 0, 0, 1.3, 20);
    for (const v of d) expect(Math.abs(v)).toBeLessThan(1e-4);
  });

  it('a flat crop has no phase and reads 0', () => {
    const d = shifts(() => 100, 0.7, 0.7);
    expect(Array.from(d).every((v) => v === 0)).toBe(true);
  });

  it('refuses a crop of the wrong size', () => {
    expect(() => quadratureResponses(bank, new Float32Array(10))).toThrow(RangeError);
  });
});
