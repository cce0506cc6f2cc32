import { describe, expect, it } from 'vitest';
import { BLIND_REGIONS, regionCells } from '../../../src/detectors/blind/regions.js';
import { TemporalPool } from '../../../src/detectors/blind/temporal-pool.js';

describe('regionCells', () => {
  // Canonical landmarks of a 128 px aligned crop on an 8×8 grid (16 px cells).
  const p = (x: number, y: number) => ({ x, y });
  const l = { leftEye: p(41, 51), rightEye: p(87, 51), noseTip: p(64, 75), mouth: p(64, 100), leftEar: p(15, 60), rightEar: p(113, 60) };
  const cells = regionCells(l, 128, 8, 8);
  const at = (x: number, y: number) => Math.floor(y / 16) * 8 + Math.floor(x / 16);

  it('gives every region cells, each containing its anchor', () => {
    for (const r of BLIND_REGIONS) expect(cells[r].length).toBeGreaterThan(0);
    expect(cells.leftEye).toContain(at(41, 51));
    expect(cells.rightEye).toContain(at(87, 51));
    expect(cells.mouth).toContain(at(64, 100));
    expect(cells.nose).toContain(at(64, 70));
  });

  it('keeps left and right apart and the forehead above the eyes', () => {
    expect(cells.leftEye.some((c) => cells.rightEye.includes(c))).toBe(false);
    expect(cells.leftCheek.some((c) => cells.rightCheek.includes(c))).toBe(false);
    expect(Math.max(...cells.forehead.map((c) => Math.floor(c / 8)))).toBeLessThan(Math.floor(51 / 16));
  });
});

describe('TemporalPool', () => {
  it('keeps the last W blocks per track, oldest first, and forgets ended tracks', () => {
    const pool = new TemporalPool(2);
    pool.push(1, Float32Array.of(1));
    pool.push(1, Float32Array.of(2));
    expect(pool.push(1, Float32Array.of(3)).map((b) => b[0])).toEqual([2, 3]);
    pool.push(2, Float32Array.of(9));
    expect(pool.size).toBe(2);
    pool.end(1);
    expect(pool.get(1)).toEqual([]);
    expect(() => new TemporalPool(0)).toThrow(RangeError);
  });
});
