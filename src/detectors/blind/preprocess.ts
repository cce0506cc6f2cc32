import type { Frame } from '../../core/frame.js';
import type { SimilarityTransform } from '../../core/align.js';
import { alignmentTransform, warpCrop } from '../../core/align.js';
import type { FaceLandmarks } from '../../core/geometry.js';

export interface InputNormalisation {
  readonly size: number;
  readonly scale: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

/**
 * Writes face `index` of a batch as NCHW float32 into `out` (the aligned crop of its landmarks,
 * normalised `(pixel·scale − mean) / std`). Returns the crop → frame transform, for maps.
 * `scratch` holds the RGB crop (size²·3 bytes) and is reused between calls.
 */
export function writeAlignedInput(
  frame: Frame,
  landmarks: FaceLandmarks,
  norm: InputNormalisation,
  out: Float32Array,
  index: number,
  scratch: Uint8Array,
): SimilarityTransform {
  const s = norm.size;
  const t = alignmentTransform(landmarks, s);
  warpCrop(frame.data, frame.width, frame.height, t, s, scratch);
  const plane = s * s;
  const base = index * 3 * plane;
  for (let c = 0; c < 3; c++) {
    const k = norm.scale / (norm.std[c] as number);
    const b = (norm.mean[c] as number) / (norm.std[c] as number);
    const o = base + c * plane;
    for (let i = 0; i < plane; i++) out[o + i] = (scratch[3 * i + c] as number) * k - b;
  }
  return t;
}
