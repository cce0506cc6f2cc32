import type { FaceDetector } from '../detectors/face/face-detector.js';
import type { Region } from '../detectors/face/letterbox.js';
import type { Frame } from '../ingest/frame.js';
import type { FaceDetection, TrackedFace } from './face.js';
import type { Box } from './geometry.js';
import { iou } from './geometry.js';
import type { TrackerConfig } from './tracker.js';
import { FaceTracker } from './tracker.js';

/**
 * The primary stage: face detection and tracking for one stream.
 *
 * Detection runs every `detectEvery` frames and, in between, whenever the tracker lost sight of a
 * face on the previous pass (so confidence recovers quickly); other frames only advance the
 * tracker's motion model. Small faces in large frames: a tracked face smaller than
 * `smallFaceFraction` of the frame's long side is re-detected on a square crop around it, and when
 * the full frame finds nothing in a non-square frame, two square tiles at the ends of the long side
 * are searched with a stricter score (hands and posters score 0.6–0.77 in tiles).
 */
export interface FaceStageConfig {
  readonly detectEvery: number;
  readonly minScore: number;
  readonly tileMinScore: number;
  readonly tiles: boolean;
  readonly smallFaceFraction: number;
  readonly tracker: TrackerConfig;
}

export interface FaceStageResult {
  readonly faces: readonly TrackedFace[];
  readonly ended: readonly number[];
  /** Whether a detection pass ran on this frame. */
  readonly detected: boolean;
  /** Detector calls made on this frame (full frame, tiles, crops). */
  readonly detectorCalls: number;
}

export class FaceStage {
  private readonly tracker: FaceTracker;
  private lastDetectSeq = Number.NEGATIVE_INFINITY;
  private missedLastPass = false;

  constructor(
    private readonly detector: FaceDetector,
    private readonly config: FaceStageConfig,
  ) {
    this.tracker = new FaceTracker(config.tracker);
  }

  async process(frame: Frame): Promise<FaceStageResult> {
    const due = frame.seq - this.lastDetectSeq >= this.config.detectEvery || this.missedLastPass;
    if (!due) return { ...this.tracker.update(frame.ptsMs, null), detected: false, detectorCalls: 0 };
    this.lastDetectSeq = frame.seq;
    const { detections, calls } = await this.detectAll(frame);
    const update = this.tracker.update(frame.ptsMs, detections);
    this.missedLastPass = update.faces.some((f) => f.source === 'predicted');
    return { ...update, detected: true, detectorCalls: calls };
  }

  /** Ends all tracks (end of stream); returns their ids. */
  finish(): number[] {
    return this.tracker.finish();
  }

  private async detectAll(frame: Frame): Promise<{ detections: FaceDetection[]; calls: number }> {
    let calls = 1;
    let found = await this.detector.detect(frame, undefined, this.config.minScore);
    const long = Math.max(frame.width, frame.height);
    const small = (b: Box) => Math.max(b.w, b.h) < this.config.smallFaceFraction * long;

    if (found.length === 0 && this.config.tiles) {
      for (const tile of endTiles(frame.width, frame.height)) {
        calls++;
        found = mergeDetections(found, await this.detector.detect(frame, tile, this.config.tileMinScore));
      }
    }
    // Refine small faces (fresh or tracked) on a crop around them: better landmarks and recall.
    const previous = this.tracker.peek();
    const targets = [...found.filter((d) => small(d.box)).map((d) => d.box), ...previous.filter(small)];
    // Two crops can hold the same face (a fresh detection and the track's predicted box, apart
    // when the head moves fast): merged, or one face would become two detections and two tracks.
    let refined: FaceDetection[] = [];
    for (const box of dedupeBoxes(targets)) {
      calls++;
      const hits = await this.detector.detect(frame, cropAround(box, 3), this.config.minScore);
      refined = mergeDetections(refined, hits);
    }
    return { detections: mergeDetections(refined, found), calls };
  }
}

/** Two squares at both ends of a non-square frame's long side (none for near-square frames). */
export function endTiles(width: number, height: number): Region[] {
  if (Math.max(width, height) < 1.3 * Math.min(width, height)) return [];
  const s = Math.min(width, height);
  return width > height
    ? [
        { x: 0, y: 0, w: s, h: s },
        { x: width - s, y: 0, w: s, h: s },
      ]
    : [
        { x: 0, y: 0, w: s, h: s },
        { x: 0, y: height - s, w: s, h: s },
      ];
}

/** A square `factor`× the box's long side, centred on it. */
export function cropAround(b: Box, factor: number): Region {
  const side = Math.max(b.w, b.h) * factor;
  return { x: b.x + b.w / 2 - side / 2, y: b.y + b.h / 2 - side / 2, w: side, h: side };
}

/** Union of two detection lists; of two overlapping detections the first list's one wins. */
export function mergeDetections(primary: readonly FaceDetection[], extra: readonly FaceDetection[]): FaceDetection[] {
  const out = [...primary];
  for (const d of extra) if (!out.some((o) => iou(o.box, d.box) > 0.3)) out.push(d);
  return out;
}

function dedupeBoxes(boxes: readonly Box[]): Box[] {
  const out: Box[] = [];
  for (const b of boxes) if (!out.some((o) => iou(o, b) > 0.3)) out.push(b);
  return out;
}
