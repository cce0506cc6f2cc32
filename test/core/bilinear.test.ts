import { describe, expect, it } from 'vitest';
import { locate, mixRowsRounded, mixWeighted, newTaps } from '../../src/core/bilinear.js';

/** A 2×2 RGB frame: red ramps along x, green along y, blue constant. */
const W = 2;
const H = 2;
const data = new Uint8Array([0, 0, 50, 100, 0, 50, 0, 200, 50, 100, 200, 50]);

describe('bilinear reads', () => {
  it('finds the four neighbours and the fractional offsets', () => {
    const t = newTaps();
    locate(0.25, 0.75, W, H, t);
    expect(t).toEqual({ i00: 0, i01: 3, i10: 6, i11: 9, fx: 0.25, fy: 0.75 });
  });

  it('repeats the last column and row instead of reading past them', () => {
    const t = newTaps();
    locate(1, 1, W, H, t);
    expect(t).toEqual({ i00: 9, i01: 9, i10: 9, i11: 9, fx: 0, fy: 0 });
  });

  it('mixes by rows and rounds, or by area weights unrounded', () => {
    const t = newTaps();
    locate(0.25, 0.75, W, H, t);
    const bytes = new Uint8Array(3);
    mixRowsRounded(data, t, bytes, 0);
    expect([...bytes]).toEqual([25, 150, 50]);
    const rgb = [0, 0, 0];
    locate(0.3, 0.1, W, H, t);
    mixWeighted(data, t, rgb);
    expect(rgb[0]).toBeCloseTo(30, 10);
    expect(rgb[1]).toBeCloseTo(20, 10);
    expect(rgb[2]).toBeCloseTo(50, 10);
  });
});
