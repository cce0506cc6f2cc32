import type { Frame } from '../../../src/core/frame.js';
import type { TrackedFace } from '../../../src/core/face.js';
import type { FaceLandmarks } from '../../../src/core/geometry.js';
import { CANONICAL_EYES } from '../../../src/core/align.js';

/**
 * Synthetic frames for the motion detector: a smooth texture (sum of a few oriented gratings)
 * whose content is shifted by (dx(t), dy(t)) frame px, under fixed landmarks placed so that one
 * crop px of the 48-px aligned crop is one frame px (eye distance 0.36·48 px). A shift of the
 * texture is then the same shift inside the aligned crop.
 */
export const CROP = 48;
export const EYE_DISTANCE = (CANONICAL_EYES.right.x - CANONICAL_EYES.left.x) * CROP;

export function landmarksAt(cx: number, cy: number): FaceLandmarks {
  const half = EYE_DISTANCE / 2;
  return {
    leftEye: { x: cx - half, y: cy },
    rightEye: { x: cx + half, y: cy },
    noseTip: { x: cx, y: cy + 0.5 * EYE_DISTANCE },
    mouth: { x: cx, y: cy + 0.9 * EYE_DISTANCE },
    leftEar: { x: cx - 1.2 * EYE_DISTANCE, y: cy + 0.2 * EYE_DISTANCE },
    rightEar: { x: cx + 1.2 * EYE_DISTANCE, y: cy + 0.2 * EYE_DISTANCE },
  };
}

export function faceOf(trackId: number, landmarks: FaceLandmarks, age = 0): TrackedFace {
  const w = 2.4 * EYE_DISTANCE;
  return { trackId, box: { x: landmarks.leftEye.x - 0.7 * EYE_DISTANCE, y: landmarks.leftEye.y - EYE_DISTANCE, w, h: 1.2 * w }, landmarks, score: 0.9, source: 'detected', age };
}

/** Texture value at (x, y): gratings of wavelengths 7–11 px in several directions. */
export function texture(x: number, y: number): number {
  return (
    128 +
    30 * Math.cos((2 * Math.PI * x) / 8 + 0.3) +
    25 * Math.cos((2 * Math.PI * y) / 9 + 1.1) +
    20 * Math.cos((2 * Math.PI * (x + y)) / 11 + 2.0) +
    15 * Math.cos((2 * Math.PI * (x - 0.5 * y)) / 7 + 0.7)
  );
}

export interface MovingSpec {
  readonly width: number;
  readonly height: number;
  /** Shift of the content at time t (s), frame px. */
  readonly shift: (t: number) => readonly [number, number];
  /** Grey-level noise amplitude (uniform ±noise), seeded. */
  readonly noise?: number;
  readonly seed?: number;
}

/** One RGB frame of the moving texture at time t (grey in all channels). */
export function movingFrame(spec: MovingSpec, seq: number, ptsMs: number): Frame {
  const [dx, dy] = spec.shift(ptsMs / 1000);
  const data = new Uint8Array(spec.width * spec.height * 3);
  let state = ((spec.seed ?? 1) * 2654435761 + seq * 40503) >>> 0;
  for (let y = 0; y < spec.height; y++) {
    for (let x = 0; x < spec.width; x++) {
      let v = texture(x + 0.5 - dx, y + 0.5 - dy);
      if (spec.noise) {
        state = (state * 1664525 + 1013904223) >>> 0;
        v += (state / 4294967296 - 0.5) * 2 * spec.noise;
      }
      const g = Math.max(0, Math.min(255, Math.round(v)));
      const o = (y * spec.width + x) * 3;
      data[o] = g;
      data[o + 1] = g;
      data[o + 2] = g;
    }
  }
  return { streamId: 'synthetic', seq, ptsMs, width: spec.width, height: spec.height, data };
}
