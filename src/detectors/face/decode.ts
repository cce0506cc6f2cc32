import type { FaceDetection } from '../../core/face.js';
import type { Box, Point } from '../../core/geometry.js';
import { iou } from '../../core/geometry.js';
import { sigmoid } from '../../core/uncertainty.js';
import type { Letterbox } from './letterbox.js';
import { toFrame } from './letterbox.js';

/** A raw candidate in network-input pixels, before NMS and mapping back to the frame. */
export interface Candidate {
  readonly score: number;
  readonly box: Box;
  /** Six keypoints: image-left eye, image-right eye, nose tip, mouth, image-left ear, image-right ear. */
  readonly keypoints: readonly Point[];
}

/**
 * Turns BlazeFace score logits and regressors into candidates above `threshold`.
 * `scores[i]` is anchor i's logit; `regs` holds 16 values per anchor: box centre offset (2),
 * size (2), then six keypoint offsets (2 each), all in input pixels relative to the anchor centre.
 */
export function decodeCandidates(
  scores: Float32Array,
  regs: Float32Array,
  anchors: Float32Array,
  threshold: number,
): Candidate[] {
  const out: Candidate[] = [];
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    const logit = Math.max(-100, Math.min(100, scores[i] as number));
    const score = sigmoid(logit);
    if (score < threshold) continue;
    const ax = anchors[2 * i] as number;
    const ay = anchors[2 * i + 1] as number;
    const r = 16 * i;
    const cx = ax + (regs[r] as number);
    const cy = ay + (regs[r + 1] as number);
    const w = regs[r + 2] as number;
    const h = regs[r + 3] as number;
    if (!(w > 0 && h > 0)) continue;
    const keypoints: Point[] = [];
    for (let k = 0; k < 6; k++) {
      keypoints.push({ x: ax + (regs[r + 4 + 2 * k] as number), y: ay + (regs[r + 5 + 2 * k] as number) });
    }
    out.push({ score, box: { x: cx - w / 2, y: cy - h / 2, w, h }, keypoints });
  }
  return out;
}

/**
 * MediaPipe's weighted NMS: candidates overlapping the best one by more than `iouThreshold` form
 * a cluster whose output is the score-weighted mean of their boxes and keypoints with the
 * cluster's maximum score. Steadier boxes than hard NMS, which matters for tracking.
 */
export function weightedNms(candidates: readonly Candidate[], iouThreshold: number): Candidate[] {
  const rest = [...candidates].sort((a, b) => b.score - a.score);
  const out: Candidate[] = [];
  while (rest.length > 0) {
    const best = rest[0] as Candidate;
    const cluster: Candidate[] = [];
    const keep: Candidate[] = [];
    for (const c of rest) (iou(best.box, c.box) > iouThreshold ? cluster : keep).push(c);
    rest.length = 0;
    rest.push(...keep);
    let wsum = 0;
    let x = 0;
    let y = 0;
    let w = 0;
    let h = 0;
    const kp = best.keypoints.map(() => ({ x: 0, y: 0 }));
    for (const c of cluster) {
      wsum += c.score;
      x += c.box.x * c.score;
      y += c.box.y * c.score;
      w += c.box.w * c.score;
      h += c.box.h * c.score;
      c.keypoints.forEach((p, k) => {
        const acc = kp[k] as { x: number; y: number };
        acc.x += p.x * c.score;
        acc.y += p.y * c.score;
      });
    }
    out.push({
      score: best.score,
      box: { x: x / wsum, y: y / wsum, w: w / wsum, h: h / wsum },
      keypoints: kp.map((p) => ({ x: p.x / wsum, y: p.y / wsum })),
    });
  }
  return out;
}

/** Maps a candidate from network-input pixels to a detection in frame pixels. */
export function toDetection(c: Candidate, lb: Letterbox): FaceDetection {
  const p0 = toFrame(lb, c.box.x, c.box.y);
  const p1 = toFrame(lb, c.box.x + c.box.w, c.box.y + c.box.h);
  const k = c.keypoints.map((p) => toFrame(lb, p.x, p.y));
  return {
    score: c.score,
    box: { x: p0.x, y: p0.y, w: p1.x - p0.x, h: p1.y - p0.y },
    landmarks: {
      leftEye: k[0] as Point,
      rightEye: k[1] as Point,
      noseTip: k[2] as Point,
      mouth: k[3] as Point,
      leftEar: k[4] as Point,
      rightEar: k[5] as Point,
    },
  };
}
