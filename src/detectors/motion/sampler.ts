import type { Frame } from '../../core/frame.js';
import type { TrackedFace } from '../../core/face.js';
import { alignmentTransform, landmarksInCrop, warpCrop } from '../../core/align.js';
import type { FaceLandmarks } from '../../core/geometry.js';
import type { MotionContext } from './options.js';
import { meanAmplitude, phaseDisplacement, quadratureResponses } from './phase.js';

/**
 * What one frame contributes to a track's motion window.
 * - `phase`: cumulative phase displacement of every channel since the track's sampler started,
 *   crop px (only differences within a window mean anything);
 * - `head`: eye centre x, y (frame px), inter-ocular distance (frame px), roll (rad);
 * - `parts`: nose, mouth, image-left ear, image-right ear in the aligned crop, (x, y) in units of
 *   the crop side (the eyes are fixed there by the alignment);
 * - `frozen`: the crop is identical to the previous frame's (a frozen or duplicated frame);
 * - `amplitude`: mean quadrature amplitude (the local contrast the phase is measured on).
 */
export interface MotionSample {
  readonly phase: Float32Array;
  readonly head: Float32Array;
  readonly parts: Float32Array;
  readonly frozen: boolean;
  readonly amplitude: number;
}

export const HEAD_WIDTH = 4;
export const PARTS_WIDTH = 8;

/** Luma of a packed RGB crop, as floats (ITU-R BT.601 weights). */
export function greyOf(rgb: Uint8Array, out = new Float32Array(rgb.length / 3)): Float32Array {
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = 0.299 * (rgb[j] as number) + 0.587 * (rgb[j + 1] as number) + 0.114 * (rgb[j + 2] as number);
  return out;
}

export function headOf(l: FaceLandmarks, out = new Float32Array(HEAD_WIDTH)): Float32Array {
  const dx = l.rightEye.x - l.leftEye.x;
  const dy = l.rightEye.y - l.leftEye.y;
  out[0] = (l.leftEye.x + l.rightEye.x) / 2;
  out[1] = (l.leftEye.y + l.rightEye.y) / 2;
  out[2] = Math.hypot(dx, dy);
  out[3] = Math.atan2(dy, dx);
  return out;
}

/**
 * Per-track motion sampling: the aligned grey crop of the face, its quadrature responses, and the
 * phase step from the previous frame. One instance per face track, used by the detector and by
 * the training data script (scripts/motion-dataset.ts), so both see the same samples.
 */
export class MotionSampler {
  private readonly rgb: Uint8Array<ArrayBuffer>;
  private readonly grey: Float32Array<ArrayBuffer>;
  private prev: Float64Array<ArrayBuffer> | null = null;
  private cur: Float64Array<ArrayBuffer>;
  private readonly step: Float64Array<ArrayBuffer>;
  private readonly total: Float64Array<ArrayBuffer>;
  private prevGrey: Float32Array<ArrayBuffer> | null = null;

  constructor(private readonly ctx: MotionContext) {
    const s = ctx.bank.options.size;
    this.rgb = new Uint8Array(s * s * 3);
    this.grey = new Float32Array(s * s);
    this.cur = new Float64Array(2 * ctx.bank.channels);
    this.step = new Float64Array(ctx.bank.channels);
    this.total = new Float64Array(ctx.bank.channels);
  }

  sample(frame: Frame, face: TrackedFace): MotionSample {
    const bank = this.ctx.bank;
    const s = bank.options.size;
    const t = alignmentTransform(face.landmarks, s);
    warpCrop(frame.data, frame.width, frame.height, t, s, this.rgb);
    greyOf(this.rgb, this.grey);
    quadratureResponses(bank, this.grey, this.cur);
    let frozen = false;
    if (this.prev) {
      phaseDisplacement(bank, this.prev, this.cur, this.ctx.options.minAmplitude, this.step);
      for (let c = 0; c < bank.channels; c++) this.total[c] = (this.total[c] as number) + (this.step[c] as number);
      frozen = sameCrop(this.prevGrey as Float32Array, this.grey);
    }
    // Swap buffers: the current responses become the previous ones.
    const keep = this.prev ?? new Float64Array(this.cur.length);
    this.prev = this.cur;
    this.cur = keep;
    if (!this.prevGrey) this.prevGrey = new Float32Array(this.grey.length);
    this.prevGrey.set(this.grey);
    const inCrop = landmarksInCrop(face.landmarks, t);
    const parts = Float32Array.from([inCrop.noseTip, inCrop.mouth, inCrop.leftEar, inCrop.rightEar].flatMap((p) => [p.x / s, p.y / s]));
    return {
      phase: Float32Array.from(this.total),
      head: headOf(face.landmarks),
      parts,
      frozen,
      amplitude: meanAmplitude(this.prev, bank.channels),
    };
  }
}

/** Identical crops up to rounding of one grey level (a duplicated frame re-encoded). */
function sameCrop(a: Float32Array, b: Float32Array): boolean {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length < 0.05;
}
