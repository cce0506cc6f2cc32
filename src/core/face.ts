import type { Box, FaceLandmarks } from './geometry.js';

/** One face as the face detector reports it in one frame. */
export interface FaceDetection {
  readonly box: Box;
  readonly landmarks: FaceLandmarks;
  /** Detector confidence in [0, 1]. */
  readonly score: number;
}

/** A face after tracking: stable `trackId` across frames. */
export interface TrackedFace {
  readonly trackId: number;
  readonly box: Box;
  readonly landmarks: FaceLandmarks;
  /** Confidence of the detection, or the decayed confidence of a predicted (not re-detected) box. */
  readonly score: number;
  /** `detected`: matched to a detection on this frame; `predicted`: carried by the motion model. */
  readonly source: 'detected' | 'predicted';
  /** Frames since the track started. */
  readonly age: number;
}
