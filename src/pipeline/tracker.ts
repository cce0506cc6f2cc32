import type { FaceDetection, TrackedFace } from '../core/face.js';
import type { Box, FaceLandmarks } from '../core/geometry.js';
import { boxCenter, iou, translateLandmarks } from '../core/geometry.js';

/**
 * Multi-face tracker: constant-velocity motion model + greedy IoU association.
 *
 * Each frame the tracks are first moved by their velocity; detections (when the frame had a
 * detection pass) are then matched to the predicted boxes by IoU, with a centre-distance gate
 * (from the predicted or the last observed position, in box sizes) as a fallback for fast motion. Matching against *predicted* boxes is what keeps ids apart when two
 * faces cross. A track missing from detection passes survives `maxMissMs` as `predicted` with a
 * decaying score, then ends. A detection left unmatched that overlaps a track by more than
 * `duplicateIou` is the same face seen twice (two crops, a detector without perfect NMS) and starts
 * no track: one person, one track. No I/O, no timers: time comes from the frames' `ptsMs`.
 */
export interface TrackerConfig {
  /** Minimum IoU between a predicted track and a detection to match them. */
  readonly iouThreshold: number;
  /** A track not re-detected for this long ends. */
  readonly maxMissMs: number;
  /** Velocity smoothing (0 = use only the newest displacement, 1 = never update). */
  readonly velocitySmoothing: number;
  /** Score multiplier per predicted frame, so confidence visibly drops while a face is not seen. */
  readonly predictedScoreDecay: number;
  /**
   * Centre-distance gate, in track box sizes, from the predicted or the last observed position:
   * a detection of similar size (within 1.5×) this close matches even without box overlap.
   */
  readonly maxCentreDistance: number;
  /** An unmatched detection overlapping a track by more than this IoU starts no new track. */
  readonly duplicateIou: number;
}

export const DEFAULT_TRACKER_CONFIG: TrackerConfig = {
  iouThreshold: 0.2,
  maxMissMs: 1000,
  velocitySmoothing: 0.5,
  predictedScoreDecay: 0.9,
  maxCentreDistance: 1.5,
  duplicateIou: 0.5,
};

interface Track {
  id: number;
  box: Box;
  landmarks: FaceLandmarks;
  score: number;
  /** Centre velocity in px/ms. */
  vx: number;
  vy: number;
  lastPtsMs: number;
  lastSeenMs: number;
  /** Box of the last matched detection (velocity is measured between observations). */
  lastObservedBox?: Box;
  startMs: number;
  age: number;
  source: 'detected' | 'predicted';
}

export interface TrackerUpdate {
  readonly faces: readonly TrackedFace[];
  /** Ids of tracks that ended on this update. */
  readonly ended: readonly number[];
}

export class FaceTracker {
  private readonly tracks: Track[] = [];
  private nextId = 1;

  constructor(private readonly config: TrackerConfig = DEFAULT_TRACKER_CONFIG) {}

  /**
   * Advances to `ptsMs`. `detections` is the result of a detection pass on this frame, or `null`
   * when the frame had none (tracks are then only predicted).
   */
  update(ptsMs: number, detections: readonly FaceDetection[] | null): TrackerUpdate {
    for (const t of this.tracks) this.predict(t, ptsMs);
    if (detections) this.associate(ptsMs, detections);
    const ended: number[] = [];
    for (let i = this.tracks.length - 1; i >= 0; i--) {
      const t = this.tracks[i] as Track;
      if (ptsMs - t.lastSeenMs > this.config.maxMissMs) {
        ended.push(t.id);
        this.tracks.splice(i, 1);
      }
    }
    return { faces: this.tracks.map(toTrackedFace).sort((a, b) => a.trackId - b.trackId), ended: ended.reverse() };
  }

  /** Ends every track (end of stream). */
  finish(): number[] {
    const ids = this.tracks.map((t) => t.id);
    this.tracks.length = 0;
    return ids;
  }

  /** Current track boxes, without advancing time. */
  peek(): Box[] {
    return this.tracks.map((t) => t.box);
  }

  get activeCount(): number {
    return this.tracks.length;
  }

  private predict(t: Track, ptsMs: number): void {
    const dt = ptsMs - t.lastPtsMs;
    if (dt <= 0) return;
    const dx = t.vx * dt;
    const dy = t.vy * dt;
    t.box = { ...t.box, x: t.box.x + dx, y: t.box.y + dy };
    t.landmarks = translateLandmarks(t.landmarks, dx, dy);
    t.lastPtsMs = ptsMs;
    t.age++;
    t.source = 'predicted';
    t.score *= this.config.predictedScoreDecay;
  }

  private associate(ptsMs: number, detections: readonly FaceDetection[]): void {
    const pairs: { ti: number; di: number; cost: number }[] = [];
    this.tracks.forEach((t, ti) => {
      const c = boxCenter(t.box);
      const seen = boxCenter(t.lastObservedBox ?? t.box);
      const scale = Math.max(t.box.w, t.box.h, 1);
      detections.forEach((d, di) => {
        const overlap = iou(t.box, d.box);
        const dc = boxCenter(d.box);
        const dist = Math.hypot(dc.x - c.x, dc.y - c.y) / scale;
        // A small face can move several box widths between detection passes, and the motion
        // model may have sent the prediction the wrong way: the gate also accepts a detection
        // near where the face was last seen.
        const gate = Math.min(dist, Math.hypot(dc.x - seen.x, dc.y - seen.y) / scale);
        const sizeRatio = Math.max(d.box.w, t.box.w) / Math.max(1, Math.min(d.box.w, t.box.w));
        if (overlap >= this.config.iouThreshold || (gate < this.config.maxCentreDistance && sizeRatio < 1.5)) {
          pairs.push({ ti, di, cost: 1 - overlap + 0.5 * gate });
        }
      });
    });
    pairs.sort((a, b) => a.cost - b.cost);
    const usedT = new Set<number>();
    const usedD = new Set<number>();
    for (const p of pairs) {
      if (usedT.has(p.ti) || usedD.has(p.di)) continue;
      usedT.add(p.ti);
      usedD.add(p.di);
      this.correct(this.tracks[p.ti] as Track, detections[p.di] as FaceDetection, ptsMs);
    }
    detections.forEach((d, di) => {
      if (usedD.has(di)) return;
      if (this.tracks.some((t) => iou(t.box, d.box) > this.config.duplicateIou)) return;
      this.tracks.push({
        id: this.nextId++,
        box: d.box,
        landmarks: d.landmarks,
        score: d.score,
        vx: 0,
        vy: 0,
        lastPtsMs: ptsMs,
        lastSeenMs: ptsMs,
        lastObservedBox: d.box,
        startMs: ptsMs,
        age: 0,
        source: 'detected',
      });
    });
  }

  private correct(t: Track, d: FaceDetection, ptsMs: number): void {
    const dt = ptsMs - t.lastSeenMs;
    if (dt > 0) {
      // Velocity from the last *observed* position, not the predicted one.
      const prev = boxCenter(t.lastObservedBox ?? t.box);
      const next = boxCenter(d.box);
      const a = this.config.velocitySmoothing;
      t.vx = a * t.vx + (1 - a) * ((next.x - prev.x) / dt);
      t.vy = a * t.vy + (1 - a) * ((next.y - prev.y) / dt);
    }
    t.box = d.box;
    t.lastObservedBox = d.box;
    t.landmarks = d.landmarks;
    t.score = d.score;
    t.lastSeenMs = ptsMs;
    t.lastPtsMs = ptsMs;
    t.source = 'detected';
  }
}

function toTrackedFace(t: Track): TrackedFace {
  return { trackId: t.id, box: t.box, landmarks: t.landmarks, score: t.score, source: t.source, age: t.age };
}
