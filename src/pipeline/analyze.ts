import type { Observable } from 'rxjs';
import { finalize } from 'rxjs';
import type { Frame } from '../core/frame.js';
import type { VideoSource } from '../ingest/index.js';
import { pullFrames } from '../ingest/index.js';
import type { DetectorStage } from './detector-stage.js';
import type { FaceStage } from './face-stage.js';
import type { FaceResult, FrameResult } from './frame-result-schema.js';

/**
 * source → one FrameResult per frame, in order. Each frame goes through the face stage and then
 * the detector stage before the source is asked for the next one (`pullFrames`, concurrency 1):
 * per-track state (tracker, rPPG windows, temporal MC pools) sees frames strictly in order, a file
 * is decoded at the speed of analysis, and a live source drops in its latest-wins slots. When the
 * stream ends or is unsubscribed, every open track is closed so detectors free their state.
 */
export function analyzeSource(source: Pick<VideoSource, 'frames'>, faces: FaceStage, detectors: DetectorStage): Observable<AnalyzedFrame> {
  return pullFrames(source, (frame) => analyzeFrame(frame, faces, detectors)).pipe(
    finalize(() => detectors.endAll(faces.finish())),
  );
}

/** A frame together with its result, for consumers that draw on the pixels (overlays). */
export interface AnalyzedFrame {
  readonly frame: Frame;
  readonly result: FrameResult;
}

export async function analyzeFrame(frame: Frame, faces: FaceStage, detectors: DetectorStage): Promise<AnalyzedFrame> {
  const t0 = performance.now();
  const tracked = await faces.process(frame);
  const t1 = performance.now();
  const outputs = await detectors.process(frame, tracked.faces, tracked.ended);
  const t2 = performance.now();
  const results: FaceResult[] = tracked.faces.map((f) => ({
    trackId: f.trackId,
    box: f.box,
    landmarks: f.landmarks,
    score: f.score,
    source: f.source,
    detectors: outputs.get(f.trackId) ?? {},
  }));
  const result: FrameResult = {
    streamId: frame.streamId,
    seq: frame.seq,
    ptsMs: frame.ptsMs,
    width: frame.width,
    height: frame.height,
    faces: results,
    endedTracks: tracked.ended,
    timing: { facesMs: t1 - t0, detectorsMs: t2 - t1 },
  };
  return { frame, result };
}
