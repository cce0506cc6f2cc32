import type { Frame } from '../../core/frame.js';
import { alignmentTransform } from '../../core/align.js';
import { locate, mixWeighted, newTaps } from '../../core/bilinear.js';
import type { FaceLandmarks } from '../../core/geometry.js';
import { type CompiledRegionLayout, REGION_NAMES } from './layout.js';
import { isSkin } from './skin.js';

/**
 * Mean skin colour per face cell and named region in one frame. Runs on every frame of every
 * tracked face, so instead of warping an aligned crop it maps a fixed lattice of points
 * (layout.ts) through the landmark alignment into the frame and reads them bilinearly
 * (core/bilinear.ts, unrounded weighted sums): ~1,400 reads per face whatever its size. Bilinear
 * rather than nearest so that sub-pixel head motion changes the reading smoothly instead of
 * jumping between pixels.
 */

export interface RegionSample {
  /** Mean R, G, B (0–255) over the skin points of each cell, interleaved [r0, g0, b0, r1, …]; NaN when missing. */
  readonly cellRgb: Float32Array;
  /** Fraction of each cell's points that passed the skin test. */
  readonly cellSkin: Float32Array;
  /** Mean R, G, B per named region in REGION_NAMES order, interleaved; NaN when missing. */
  readonly regionRgb: Float32Array;
  /** Skin fraction per named region. */
  readonly regionSkin: Float32Array;
  /** Fraction of all grid points that are skin (regionSkin of 'face'). */
  readonly skinFraction: number;
}

/**
 * Samples one face. Points outside the frame count as non-skin, so a face leaving the frame
 * loses cells rather than reading the repeated edge.
 */
export function sampleRegions(frame: Frame, landmarks: FaceLandmarks, layout: CompiledRegionLayout): RegionSample {
  const { width, height, data } = frame;
  const t = alignmentTransform(landmarks, 1);
  const { u, v, cellStart, patchStart, cells } = layout;
  const minSkin = layout.layout.minSkinFraction;
  const maxX = width - 1;
  const maxY = height - 1;
  const rgb = [0, 0, 0];
  const taps = newTaps();

  // Reads point i into `rgb`; false when it is outside the frame or not skin.
  const read = (i: number): boolean => {
    const pu = u[i] as number;
    const pv = v[i] as number;
    // Crop (u, v) → frame continuous coordinates, then to pixel-index space (centres at k + ½).
    const x = t.a * pu - t.b * pv + t.tx - 0.5;
    const y = t.b * pu + t.a * pv + t.ty - 0.5;
    if (!(x >= 0 && y >= 0 && x <= maxX && y <= maxY)) return false;
    locate(x, y, width, height, taps);
    mixWeighted(data, taps, rgb);
    return isSkin(rgb[0] as number, rgb[1] as number, rgb[2] as number);
  };

  const cellRgb = new Float32Array(cells * 3);
  const cellSkin = new Float32Array(cells);
  const regions = REGION_NAMES.length;
  const regionRgb = new Float32Array(regions * 3);
  const regionSkin = new Float32Array(regions);

  // Sums over a point range: [r, g, b, skin count].
  const sum = (from: number, to: number, acc: number[]): void => {
    acc[0] = acc[1] = acc[2] = acc[3] = 0;
    for (let i = from; i < to; i++) {
      if (!read(i)) continue;
      acc[0] = (acc[0] as number) + (rgb[0] as number);
      acc[1] = (acc[1] as number) + (rgb[1] as number);
      acc[2] = (acc[2] as number) + (rgb[2] as number);
      acc[3] = (acc[3] as number) + 1;
    }
  };
  const store = (acc: readonly number[], total: number, outRgb: Float32Array, outSkin: Float32Array, k: number): void => {
    const skin = acc[3] as number;
    const fraction = total > 0 ? skin / total : 0;
    outSkin[k] = fraction;
    const ok = total > 0 && skin > 0 && fraction >= minSkin;
    for (let c = 0; c < 3; c++) outRgb[k * 3 + c] = ok ? (acc[c] as number) / skin : NaN;
  };

  const acc = [0, 0, 0, 0];
  const face = [0, 0, 0, 0];
  for (let c = 0; c < cells; c++) {
    const from = cellStart[c] as number;
    const to = cellStart[c + 1] as number;
    sum(from, to, acc);
    for (let k = 0; k < 4; k++) face[k] = (face[k] as number) + (acc[k] as number);
    store(acc, to - from, cellRgb, cellSkin, c);
  }
  store(face, cellStart[cells] as number, regionRgb, regionSkin, 0);
  for (let p = 0; p + 1 < patchStart.length; p++) {
    const from = patchStart[p] as number;
    const to = patchStart[p + 1] as number;
    sum(from, to, acc);
    store(acc, to - from, regionRgb, regionSkin, p + 1);
  }
  return { cellRgb, cellSkin, regionRgb, regionSkin, skinFraction: regionSkin[0] as number };
}
