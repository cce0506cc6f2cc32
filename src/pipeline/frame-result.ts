import type { DetectorOutput } from '../detectors/contract.js';
import type { Box, FaceLandmarks } from './geometry.js';

/** Everything fakescope says about one face on one frame. */
export interface FaceResult {
  readonly trackId: number;
  readonly box: Box;
  readonly landmarks: FaceLandmarks;
  readonly score: number;
  readonly source: 'detected' | 'predicted';
  /** Detector name → output. A face below the minimum size has no detector outputs. */
  readonly detectors: Readonly<Record<string, DetectorOutput>>;
}

/** One result per analysed frame, in frame order. */
export interface FrameResult {
  readonly streamId: string;
  readonly seq: number;
  readonly ptsMs: number;
  readonly width: number;
  readonly height: number;
  readonly faces: readonly FaceResult[];
  /** Track ids that ended on this frame. */
  readonly endedTracks: readonly number[];
  /** Wall-clock milliseconds spent per stage on this frame. */
  readonly timing: { readonly facesMs: number; readonly detectorsMs: number };
}
