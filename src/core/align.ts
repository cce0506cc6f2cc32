import { locate, mixRowsRounded, newTaps } from './bilinear.js';
import type { FaceLandmarks, Point } from './geometry.js';

/**
 * Landmark-aligned face crops. A similarity transform (rotation, uniform scale, translation) maps
 * the two eye keypoints to fixed positions of a square crop, so crops are upright and of the same
 * scale whatever the head roll and distance. Training scripts and runtime detectors use the same
 * canonical positions (`CANONICAL_EYES`), so a model sees at run time what it saw in training.
 */

/** Eye positions in a unit square crop: image-left eye, image-right eye. */
export const CANONICAL_EYES = { left: { x: 0.32, y: 0.4 }, right: { x: 0.68, y: 0.4 } } as const;

/** Maps crop pixel (u, v) to frame pixel (x, y): x = a·u − b·v + tx, y = b·u + a·v + ty. */
export interface SimilarityTransform {
  readonly a: number;
  readonly b: number;
  readonly tx: number;
  readonly ty: number;
}

/** Transform from a `size`×`size` crop to the frame, given the face's landmarks. */
export function alignmentTransform(l: FaceLandmarks, size: number): SimilarityTransform {
  const src0 = { x: CANONICAL_EYES.left.x * size, y: CANONICAL_EYES.left.y * size };
  const src1 = { x: CANONICAL_EYES.right.x * size, y: CANONICAL_EYES.right.y * size };
  return similarityFromPairs(src0, src1, l.leftEye, l.rightEye);
}

/** The similarity transform taking p0 → q0 and p1 → q1. */
export function similarityFromPairs(p0: Point, p1: Point, q0: Point, q1: Point): SimilarityTransform {
  const dpx = p1.x - p0.x;
  const dpy = p1.y - p0.y;
  const dqx = q1.x - q0.x;
  const dqy = q1.y - q0.y;
  const den = dpx * dpx + dpy * dpy;
  if (den === 0) throw new RangeError('degenerate point pair');
  // Complex division (dq / dp) gives a + ib = scale·e^{iθ}.
  const a = (dqx * dpx + dqy * dpy) / den;
  const b = (dqy * dpx - dqx * dpy) / den;
  return { a, b, tx: q0.x - (a * p0.x - b * p0.y), ty: q0.y - (b * p0.x + a * p0.y) };
}

export function applyTransform(t: SimilarityTransform, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

export function invertTransform(t: SimilarityTransform): SimilarityTransform {
  const den = t.a * t.a + t.b * t.b;
  const a = t.a / den;
  const b = -t.b / den;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/**
 * Samples a `size`×`size` RGB crop from a packed RGB frame through `t` (crop → frame), bilinear
 * (bilinear.ts, rounded to bytes), edge pixels repeated outside the frame. Returns packed RGB24.
 */
export function warpCrop(
  data: Uint8Array,
  width: number,
  height: number,
  t: SimilarityTransform,
  size: number,
  out: Uint8Array = new Uint8Array(size * size * 3),
): Uint8Array {
  const maxX = width - 1;
  const maxY = height - 1;
  const taps = newTaps();
  for (let v = 0; v < size; v++) {
    // Pixel centres: crop pixel (u, v) covers [u, u+1); sample at u + 0.5 and map back to index space.
    const cv = v + 0.5;
    let o = v * size * 3;
    for (let u = 0; u < size; u++) {
      const cu = u + 0.5;
      let x = t.a * cu - t.b * cv + t.tx - 0.5;
      let y = t.b * cu + t.a * cv + t.ty - 0.5;
      x = x < 0 ? 0 : x > maxX ? maxX : x;
      y = y < 0 ? 0 : y > maxY ? maxY : y;
      locate(x, y, width, height, taps);
      mixRowsRounded(data, taps, out, o);
      o += 3;
    }
  }
  return out;
}

/** Landmarks expressed in crop pixels (for region masks inside an aligned crop). */
export function landmarksInCrop(l: FaceLandmarks, t: SimilarityTransform): FaceLandmarks {
  const inv = invertTransform(t);
  const m = (p: Point): Point => applyTransform(inv, p);
  return {
    leftEye: m(l.leftEye),
    rightEye: m(l.rightEye),
    noseTip: m(l.noseTip),
    mouth: m(l.mouth),
    leftEar: m(l.leftEar),
    rightEar: m(l.rightEar),
  };
}
