import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../src/core/frame.js';
import { alignmentTransform, applyTransform, invertTransform } from '../../../src/core/align.js';
import type { FaceLandmarks, Point } from '../../../src/core/geometry.js';
import { REGION_NAMES, compileRegionLayout } from '../../../src/detectors/rppg/layout.js';
import { sampleRegions } from '../../../src/detectors/rppg/regions.js';
import { faceLandmarks } from './synth.js';

const layout = compileRegionLayout();

/** A frame whose pixel colour is a function of the face-crop coordinates of the pixel centre. */
function render(width: number, height: number, landmarks: FaceLandmarks, colourAt: (u: number, v: number) => readonly number[]): Frame {
  const toCrop = invertTransform(alignmentTransform(landmarks, 1));
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = applyTransform(toCrop, { x: x + 0.5, y: y + 0.5 });
      const c = colourAt(p.x, p.y);
      for (let k = 0; k < 3; k++) data[(y * width + x) * 3 + k] = Math.round(c[k] as number);
    }
  }
  return { streamId: 't', seq: 0, ptsMs: 0, width, height, data };
}

/** Rotates landmarks by `angle` about `centre`, scales by `scale`, then shifts by (dx, dy). */
function moved(l: FaceLandmarks, centre: Point, angle: number, scale: number, dx: number, dy: number): FaceLandmarks {
  const m = (p: Point): Point => {
    const x = p.x - centre.x;
    const y = p.y - centre.y;
    return {
      x: centre.x + scale * (x * Math.cos(angle) - y * Math.sin(angle)) + dx,
      y: centre.y + scale * (x * Math.sin(angle) + y * Math.cos(angle)) + dy,
    };
  };
  return { leftEye: m(l.leftEye), rightEye: m(l.rightEye), noseTip: m(l.noseTip), mouth: m(l.mouth), leftEar: m(l.leftEar), rightEar: m(l.rightEar) };
}

const SKIN = [196, 140, 112] as const;
const BLUE = [70, 90, 120] as const;

describe('sampleRegions', () => {
  const upright = faceLandmarks(210, 170);

  it.each([
    ['uniform skin', SKIN, 1],
    ['uniform non-skin', BLUE, 0],
  ])('%s: every cell and region reads the colour, or is missing', (_name, colour, skin) => {
    const s = sampleRegions(render(420, 340, upright, () => colour), upright, layout);
    expect(s.cellRgb.length).toBe(32 * 3);
    expect(s.regionRgb.length).toBe(REGION_NAMES.length * 3);
    expect(s.skinFraction).toBe(skin);
    for (const rgb of [s.cellRgb, s.regionRgb]) {
      for (let i = 0; i < rgb.length; i++) {
        if (skin) expect(rgb[i]).toBeCloseTo(colour[i % 3] as number, 4);
        else expect(rgb[i]).toBeNaN();
      }
    }
  });

  it('cells follow the face through translation, roll and scale', () => {
    // Red grows across the face and blue down it, so every cell has its own colour.
    const pattern = (u: number, v: number) => [160 + 40 * u, 125, 95 + 20 * v];
    const a = sampleRegions(render(420, 340, upright, pattern), upright, layout);
    const turned = moved(upright, { x: 210, y: 170 }, (20 * Math.PI) / 180, 1.15, 12, -7);
    const b = sampleRegions(render(420, 340, turned, pattern), turned, layout);
    expect(a.skinFraction).toBe(1);
    expect(b.skinFraction).toBe(1);
    for (let i = 0; i < a.cellRgb.length; i++) expect(Math.abs((a.cellRgb[i] as number) - (b.cellRgb[i] as number))).toBeLessThan(0.5);
    // And the cells do differ from each other: image-left column is less red than image-right.
    expect((a.cellRgb[0 * 3 + 12] as number) + 5).toBeLessThan(a.cellRgb[3 * 3 + 12] as number);
  });

  it('reports cells outside the frame as missing, not as the repeated edge', () => {
    // Face centre near the left border: the image-left columns fall outside the frame.
    const atEdge = faceLandmarks(40, 120);
    const s = sampleRegions(render(320, 240, atEdge, () => SKIN), atEdge, layout);
    for (let row = 0; row < 8; row++) {
      expect(s.cellRgb[(row * 4 + 0) * 3]).toBeNaN();
      expect(s.cellSkin[row * 4 + 0]).toBeLessThan(0.3);
      expect(s.cellRgb[(row * 4 + 3) * 3]).toBeCloseTo(SKIN[0], 4);
    }
    expect(s.skinFraction).toBeGreaterThan(0.3);
    expect(s.skinFraction).toBeLessThan(0.8);
  });

  it('averages only the skin points of a cell', () => {
    // Left half of the crop skin, right half background: right-column cells go missing.
    const s = sampleRegions(render(420, 340, upright, (u) => (u < 0.5 ? SKIN : BLUE)), upright, layout);
    expect(s.cellRgb[0 * 3 + 1]).toBeCloseTo(SKIN[1], 4);
    expect(s.cellRgb[3 * 3 + 1]).toBeNaN();
    expect(s.skinFraction).toBeCloseTo(0.5, 1);
  });
});
