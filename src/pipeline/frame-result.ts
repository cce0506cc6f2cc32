import type { DetectorOutput } from '../detectors/contract.js';
import type { Box, FaceLandmarks } from '../core/geometry.js';
import type { Verdict, VerdictWhy } from './verdict.js';

/**
 * The face's track verdict so far: its detectors fused under the verdict policy and pooled over
 * the track's face-frames up to this one. On a track's last frame it equals the track's verdict in
 * the report, so overlays, the page and the summary all show one number per face.
 */
export interface FaceVerdict {
  readonly verdict: Verdict;
  readonly why: VerdictWhy;
  readonly pFake: number | null;
}

/** Everything fakescope says about one face on one frame. */
export interface FaceResult {
  readonly trackId: number;
  readonly box: Box;
  readonly landmarks: FaceLandmarks;
  readonly score: number;
  readonly source: 'detected' | 'predicted';
  /** Detector name → output. A face below the minimum size has no detector outputs. */
  readonly detectors: Readonly<Record<string, DetectorOutput>>;
  /** Set by the report builder (see `FaceVerdict`); absent on results that did not pass through it. */
  readonly verdict?: FaceVerdict;
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
