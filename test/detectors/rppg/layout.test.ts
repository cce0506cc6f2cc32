import { describe, expect, it } from 'vitest';
import { DEFAULT_REGION_LAYOUT, REGION_NAMES, compileRegionLayout } from '../../../src/detectors/rppg/layout.js';

describe('compileRegionLayout', () => {
  const compiled = compileRegionLayout();

  it('has 32 cells and one point range per cell and patch', () => {
    expect(compiled.cells).toBe(32);
    expect(compiled.cellStart.length).toBe(33);
    expect(compiled.patchStart.length).toBe(REGION_NAMES.length);
    expect(compiled.patchStart[0]).toBe(compiled.cellStart[32]);
    expect(compiled.u.length).toBe(compiled.patchStart[REGION_NAMES.length - 1]);
  });

  it('drops grid points outside the face ellipse: corner cells lose points, central cells keep all 36', () => {
    const count = (c: number) => (compiled.cellStart[c + 1] as number) - (compiled.cellStart[c] as number);
    expect(count(0)).toBeLessThan(36); // top-left
    expect(count(31)).toBeLessThan(36); // bottom-right
    expect(count(4 * 3 + 1)).toBe(36); // row 3, column 1
    for (let c = 0; c < 32; c++) expect(count(c)).toBeGreaterThan(0);
  });

  it('gives every patch 8 × 8 points inside its rect', () => {
    REGION_NAMES.slice(1).forEach((name, p) => {
      const from = compiled.patchStart[p] as number;
      const to = compiled.patchStart[p + 1] as number;
      expect(to - from).toBe(64);
      const rect = DEFAULT_REGION_LAYOUT.patches[name as Exclude<(typeof REGION_NAMES)[number], 'face'>];
      for (let i = from; i < to; i++) {
        expect(compiled.u[i]).toBeGreaterThan(rect.x0);
        expect(compiled.u[i]).toBeLessThan(rect.x1);
        expect(compiled.v[i]).toBeGreaterThan(rect.y0);
        expect(compiled.v[i]).toBeLessThan(rect.y1);
      }
    });
  });

  it('keeps every point without the ellipse and rejects empty layouts', () => {
    const square = compileRegionLayout({ ...DEFAULT_REGION_LAYOUT, ellipse: false });
    expect(square.cellStart[32]).toBe(32 * 36);
    expect(() => compileRegionLayout({ ...DEFAULT_REGION_LAYOUT, pointsPerCell: 0 })).toThrow(RangeError);
  });
});
