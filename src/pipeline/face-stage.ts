import type { FaceDetector } from '../detectors/contract.js';
import type { Frame } from '../core/frame.js';
import type { FaceDetection, TrackedFace } from '../core/face.js';
import type { Box } from '../core/geometry.js';
import { iou } from '../core/geometry.js';
import type { TrackerConfig } from './tracker.js';
import { FaceTracker } from './tracker.js';

/**
 * The primary stage: face detection and tracking for one stream.
 *
 * Detection runs every `detectEvery` frames and, in between, whenever the tracker lost sight of a
 * face on the previous pass (so confidence recovers quickly); other frames only advance the
 * tracker's motion model. With a crop detector (`crop`), only one pass in `fullFrameEvery` frames
 * (and every pass after a miss, or while no face is tracked) searches the whole frame; the others
 * run the cheap crop model on a square `crop.factor`× each track's box, centred on it, and keep
 * the best hit per track: a face that leaves its crop is a miss, and the next frame is searched
 * in full. New faces are therefore found within `fullFrameEvery` frames. Small faces in large
 * frames: a tracked face smaller than
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
  /** At most this many frames between two full-frame passes when a crop detector is given. */
  readonly fullFrameEvery?: number;
}

/** The cheap detector of crop passes and the crop's side in track box sizes. */
export interface CropTracking {
  readonly detector: FaceDetector;
  readonly factor: number;
}

export interface FaceStageResult {
  readonly faces: readonly TrackedFace[];
  readonly ended: readonly number[];
  /** Whether a detection pass ran on this frame. */
  readonly detected: boolean;
  /** Detector calls made on this frame (full frame, tiles, crops). */
  readonly detectorCalls: number;
  /** Which kind of pass ran: the whole frame (with tiles and refinements) or track crops. */
  readonly pass: 'full' | 'crop' | null;
}

export class FaceStage {
  private readonly tracker: FaceTracker;
  private lastDetectSeq = Number.NEGATIVE_INFINITY;
  private lastFullSeq = Number.NEGATIVE_INFINITY;
  private missedLastPass = false;

  constructor(
    private readonly detector: FaceDetector,
    private readonly config: FaceStageConfig,
    private readonly crop: CropTracking | null = null,
  ) {
    this.tracker = new FaceTracker(config.tracker);
  }

  async process(frame: Frame): Promise<FaceStageResult> {
    const due = frame.seq - this.lastDetectSeq >= this.config.detectEvery || this.missedLastPass;
    if (!due) return { ...this.tracker.update(frame.ptsMs, null), detected: false, detectorCalls: 0, pass: null };
    this.lastDetectSeq = frame.seq;
    const full =
      !this.crop ||
      this.missedLastPass ||
      this.tracker.activeCount === 0 ||
      frame.seq - this.lastFullSeq >= (this.config.fullFrameEvery ?? 1);
    if (full) this.lastFullSeq = frame.seq;
    const { detections, calls } = full ? await this.detectFull(frame) : await this.detectInCrops(frame, this.crop as CropTracking, this.tracker.peek());
    const update = this.tracker.update(frame.ptsMs, detections);
    this.missedLastPass = update.faces.some((f) => f.source === 'predicted');
    return { ...update, detected: true, detectorCalls: calls, pass: full ? 'full' : 'crop' };
  }

  /** Ends all tracks (end of stream); returns their ids. */
  finish(): number[] {
    return this.tracker.finish();
  }

  /**
   * A full-frame pass. With crop tracking, each face found is then located again by the crop model
   * on a crop around it, so a track's boxes and landmarks come from one model on every pass: mixing
   * the two models' geometry from pass to pass jitters the face regions, which the pulse signal
   * reads as noise (rPPG p(fake) rose by up to 0.15 on the development clips without this).
   */
  private async detectFull(frame: Frame): Promise<{ detections: FaceDetection[]; calls: number }> {
    const found = await this.detectAll(frame);
    if (!this.crop) return found;
    const again = await this.detectInCrops(frame, this.crop, found.detections.map((d) => d.box));
    const detections = found.detections.map((d) => again.detections.find((a) => iou(a.box, d.box) > 0.3) ?? d);
    return { detections, calls: found.calls + again.calls };
  }

  /** One crop per box; the best-scoring hit in a crop is that box's face. */
  private async detectInCrops(frame: Frame, crop: CropTracking, boxes: readonly Box[]): Promise<{ detections: FaceDetection[]; calls: number }> {
    let detections: FaceDetection[] = [];
    for (const box of boxes) {
      const hits = await crop.detector.detect(frame, cropAround(box, crop.factor), this.config.minScore);
      const best = hits.reduce<FaceDetection | null>((b, h) => (b === null || h.score > b.score ? h : b), null);
      if (best) detections = mergeDetections(detections, [best]);
    }
    return { detections, calls: boxes.length };
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
export function endTiles(width: number, height: number): Box[] {
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
export function cropAround(b: Box, factor: number): Box {
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
