import { describe, expect, it } from 'vitest';
import type { FaceDetection } from '../../src/core/face.js';
import { DEFAULT_TRACKER_CONFIG, FaceTracker } from '../../src/pipeline/tracker.js';

/** A detection of a 60×60 face centred at (cx, cy), with landmarks placed inside it. */
function face(cx: number, cy: number, size = 60, score = 0.9): FaceDetection {
  const p = (dx: number, dy: number) => ({ x: cx + dx * size, y: cy + dy * size });
  return {
    box: { x: cx - size / 2, y: cy - size / 2, w: size, h: size },
    score,
    landmarks: {
      leftEye: p(-0.18, -0.1),
      rightEye: p(0.18, -0.1),
      noseTip: p(0, 0.05),
      mouth: p(0, 0.25),
      leftEar: p(-0.45, 0),
      rightEar: p(0.45, 0),
    },
  };
}

const FRAME_MS = 40;

describe('FaceTracker', () => {
  it('keeps one id for a moving face detected every frame', () => {
    const tr = new FaceTracker();
    const ids = new Set<number>();
    for (let i = 0; i < 25; i++) {
      const u = tr.update(i * FRAME_MS, [face(100 + i * 6, 120)]);
      expect(u.faces).toHaveLength(1);
      ids.add(u.faces[0]!.trackId);
    }
    expect(ids.size).toBe(1);
  });

  it('carries a track through missed detections and re-attaches the same id', () => {
    const tr = new FaceTracker();
    for (let i = 0; i < 5; i++) tr.update(i * FRAME_MS, [face(100 + i * 5, 100)]);
    // Three frames where the detector ran and found nothing (e.g. motion blur).
    for (let i = 5; i < 8; i++) {
      const u = tr.update(i * FRAME_MS, []);
      expect(u.faces).toHaveLength(1);
      expect(u.faces[0]!.source).toBe('predicted');
      expect(u.faces[0]!.trackId).toBe(1);
      // The motion model keeps moving the box along the face's path.
      expect(u.faces[0]!.box.x + 30).toBeCloseTo(100 + i * 5, -1);
    }
    const back = tr.update(8 * FRAME_MS, [face(140, 100)]);
    expect(back.faces.map((f) => [f.trackId, f.source])).toEqual([[1, 'detected']]);
  });

  it('lowers the score of a predicted track so confidence visibly drops', () => {
    const tr = new FaceTracker();
    tr.update(0, [face(100, 100, 60, 0.9)]);
    const u1 = tr.update(FRAME_MS, null);
    const u2 = tr.update(2 * FRAME_MS, null);
    expect(u1.faces[0]!.score).toBeLessThan(0.9);
    expect(u2.faces[0]!.score).toBeLessThan(u1.faces[0]!.score);
  });

  it('ends a track after maxMissMs without detections and reports it once', () => {
    const tr = new FaceTracker({ ...DEFAULT_TRACKER_CONFIG, maxMissMs: 200 });
    tr.update(0, [face(100, 100)]);
    const ended: number[] = [];
    let last = tr.update(0, null);
    for (let t = FRAME_MS; t <= 400; t += FRAME_MS) {
      last = tr.update(t, []);
      ended.push(...last.ended);
    }
    expect(ended).toEqual([1]);
    expect(last.faces).toHaveLength(0);
    // A face appearing later gets a new id.
    expect(tr.update(440, [face(100, 100)]).faces[0]!.trackId).toBe(2);
  });

  it('keeps ids apart when two faces cross', () => {
    const tr = new FaceTracker();
    const frames = 30;
    let leftToRight = -1;
    let rightToLeft = -1;
    for (let i = 0; i < frames; i++) {
      const a = face(60 + i * 10, 100); // moves right
      const b = face(350 - i * 10, 104); // moves left
      // The detector reports them in arbitrary order.
      const u = tr.update(i * FRAME_MS, i % 2 ? [a, b] : [b, a]);
      expect(u.faces).toHaveLength(2);
      const byX = [...u.faces].sort((f, g) => f.box.x - g.box.x);
      const movingRight = u.faces.find((f) => Math.abs(f.box.x + 30 - (60 + i * 10)) < 1)!;
      const movingLeft = u.faces.find((f) => Math.abs(f.box.x + 30 - (350 - i * 10)) < 1)!;
      expect(byX).toHaveLength(2);
      if (i === 0) {
        leftToRight = movingRight.trackId;
        rightToLeft = movingLeft.trackId;
      }
      expect(movingRight.trackId).toBe(leftToRight);
      expect(movingLeft.trackId).toBe(rightToLeft);
    }
    expect(leftToRight).not.toBe(rightToLeft);
  });

  it('starts no second track for a duplicate detection of a face already tracked', () => {
    const tr = new FaceTracker();
    tr.update(0, [face(100, 100)]);
    // The same face twice (two crops found it), shifted a few pixels: one track, not two.
    const u = tr.update(FRAME_MS, [face(120, 130), face(122, 131)]);
    expect(u.faces.map((f) => f.trackId)).toEqual([1]);
    // A second face elsewhere still gets its own track.
    expect(tr.update(2 * FRAME_MS, [face(120, 130), face(400, 130)]).faces.map((f) => f.trackId)).toEqual([1, 2]);
  });

  it('keeps ids through a crossing where one face is occluded for two frames', () => {
    const tr = new FaceTracker();
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) {
      const a = face(60 + i * 10, 100);
      const b = face(350 - i * 10, 100);
      // Around the crossing only the front face (a) is detected.
      const dets = i === 14 || i === 15 ? [a] : [a, b];
      const u = tr.update(i * FRAME_MS, dets);
      const movingLeft = u.faces.find((f) => Math.abs(f.box.x + 30 - (350 - i * 10)) < 5);
      expect(movingLeft).toBeDefined();
      ids.push(movingLeft!.trackId);
    }
    expect(new Set(ids).size).toBe(1);
  });
});
