import type { Frame } from '../../core/frame.js';
import type { FaceLandmarks } from '../../core/geometry.js';

/** The part of a detector input the blind model reads: a frame and its faces' landmarks. */
export interface FaceResultMapInput {
  readonly frame: Frame;
  readonly faces: readonly { readonly trackId: number; readonly landmarks: FaceLandmarks }[];
}
