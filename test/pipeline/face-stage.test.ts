import { describe, expect, it } from 'vitest';
import type { FaceDetector } from '../../src/detectors/contract.js';
import type { Frame } from '../../src/core/frame.js';
import type { FaceDetection } from '../../src/core/face.js';
import type { Box } from '../../src/core/geometry.js';
import { FaceStage, cropAround, endTiles, mergeDetections } from '../../src/pipeline/face-stage.js';
import { DEFAULT_TRACKER_CONFIG } from '../../src/pipeline/tracker.js';

function det(x: number, y: number, size: number, score = 0.9): FaceDetection {
  const p = (dx: number, dy: number) => ({ x: x + dx * size, y: y + dy * size });
  return {
    box: { x, y, w: size, h: size },
    score,
    landmarks: { leftEye: p(0.3, 0.4), rightEye: p(0.7, 0.4), noseTip: p(0.5, 0.6), mouth: p(0.5, 0.8), leftEar: p(0, 0.5), rightEar: p(1, 0.5) },
  };
}

const frame = (seq: number, width = 640, height = 360): Frame => ({
  streamId: 's',
  seq,
  ptsMs: seq * 40,
  width,
  height,
  data: new Uint8Array(0),
});

/** A fake detector that answers from a script of (region → detections) and records its calls. */
function scripted(answer: (f: Frame, r: Box | undefined, minScore: number | undefined) => FaceDetection[]) {
  const calls: { seq: number; region: Box | undefined }[] = [];
  const detector: FaceDetector = {
    name: 'scripted',
    inputSize: 256,
    warmup: async () => undefined,
    detect: async (f, r, s) => {
      calls.push({ seq: f.seq, region: r });
      return answer(f, r, s);
    },
    dispose: async () => undefined,
  };
  return { detector, calls };
}

const config = { detectEvery: 3, minScore: 0.65, tileMinScore: 0.75, tiles: true, smallFaceFraction: 0.12, tracker: DEFAULT_TRACKER_CONFIG };

describe('FaceStage', () => {
  it('detects every N frames and predicts in between', async () => {
    const { detector, calls } = scripted(() => [det(200, 100, 120)]);
    const stage = new FaceStage(detector, config);
    const sources: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await stage.process(frame(i));
      sources.push(r.faces[0]!.source);
    }
    expect(calls.map((c) => c.seq)).toEqual([0, 3, 6]);
    expect(sources).toEqual(['detected', 'predicted', 'predicted', 'detected', 'predicted', 'predicted', 'detected']);
  });

  it('re-detects on the next frame after a miss', async () => {
    const { detector, calls } = scripted((f) => (f.seq === 3 ? [] : [det(200, 100, 120)]));
    const stage = new FaceStage(detector, config);
    for (let i = 0; i < 6; i++) await stage.process(frame(i, 480, 480));
    // frame 3's pass misses → frame 4 detects again, then the normal cadence resumes (4 + 3 = 7).
    expect(calls.map((c) => c.seq)).toEqual([0, 3, 4]);
  });

  it('searches end tiles with the stricter threshold when the full frame finds nothing', async () => {
    const { detector, calls } = scripted((_f, r, s) => (r && r.x > 0 && s === 0.75 ? [det(r.x + 250, 200, 30)] : []));
    const stage = new FaceStage(detector, config);
    const r = await stage.process(frame(0));
    // full frame, two tiles, then a refinement crop around the small face found in a tile
    expect(calls.map((c) => c.region?.x ?? 'full')).toEqual(['full', 0, 280, expect.any(Number)]);
    expect(r.faces).toHaveLength(1);
    expect(r.detectorCalls).toBe(4);
  });

  it('merges the same small face found by two refinement crops into one detection and one track', async () => {
    // A small face in a tall frame; the head moved fast, so the track's predicted box and the
    // fresh detection are far enough apart to get a crop each, and both crops find the face.
    let calls = 0;
    const { detector } = scripted((f, r) => {
      calls++;
      const y = f.seq < 3 ? 60 : 108;
      return r ? [det(300 + (calls % 2), y, 76)] : [det(300, y, 76)];
    });
    // The tracker's own duplicate guard is off here, so this tests the stage's merge alone.
    const stage = new FaceStage(detector, { ...config, detectEvery: 3, tracker: { ...DEFAULT_TRACKER_CONFIG, duplicateIou: 1 } });
    const tracks = new Set<number>();
    for (let i = 0; i < 9; i++) for (const f of (await stage.process(frame(i, 720, 1080))).faces) tracks.add(f.trackId);
    expect([...tracks]).toEqual([1]);
  });
});

describe('FaceStage with crop tracking', () => {
  it('searches the whole frame every fullFrameEvery frames and track crops on the passes between', async () => {
    const full = scripted(() => [det(200, 100, 120)]);
    const crop = scripted((_f, r) => (r ? [det(202, 101, 118, 0.7), det(r.x, r.y, 20, 0.66)] : []));
    const stage = new FaceStage(full.detector, { ...config, fullFrameEvery: 9 }, { detector: crop.detector, factor: 2.5 });
    const passes: (string | null)[] = [];
    const boxes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await stage.process(frame(i));
      passes.push(r.pass);
      boxes.push(r.faces[0]!.box.x);
      expect(r.faces).toHaveLength(1); // the crop's best hit is the track's face, the weaker one is dropped
    }
    expect(passes).toEqual(['full', null, null, 'crop', null, null, 'crop', null, null, 'full']);
    expect(full.calls.map((c) => c.seq)).toEqual([0, 9]);
    // Full passes are followed by a crop around each face found (one model's geometry per track);
    // the crop is 2.5× the track's box around its centre.
    expect(crop.calls.map((c) => c.seq)).toEqual([0, 3, 6, 9]);
    expect(crop.calls[0]!.region).toEqual({ x: 260 - 150, y: 160 - 150, w: 300, h: 300 });
    expect(crop.calls[1]!.region).toEqual({ x: 261 - 147.5, y: 160 - 147.5, w: 295, h: 295 });
    expect(boxes).toEqual(Array(10).fill(202));
  });

  it('searches the whole frame on the next frame when a crop loses its face, and while nothing is tracked', async () => {
    const full = scripted((f) => (f.seq < 2 ? [] : [det(200, 100, 120)]));
    const crop = scripted(() => []);
    const stage = new FaceStage(full.detector, { ...config, fullFrameEvery: 30 }, { detector: crop.detector, factor: 2.5 });
    const passes: (string | null)[] = [];
    for (let i = 0; i < 9; i++) passes.push((await stage.process(frame(i, 480, 480))).pass);
    // 0, 3: nothing tracked → full; 3 finds the face; 6: crop misses → 7 full (finds it again).
    expect(passes).toEqual(['full', null, null, 'full', null, null, 'crop', 'full', null]);
  });
});

describe('geometry helpers', () => {
  it('endTiles: none for near-square frames, two squares at the ends of the long side', () => {
    expect(endTiles(512, 512)).toEqual([]);
    expect(endTiles(640, 1138)).toEqual([
      { x: 0, y: 0, w: 640, h: 640 },
      { x: 0, y: 498, w: 640, h: 640 },
    ]);
  });
  it('cropAround centres a square of factor × the long side', () => {
    expect(cropAround({ x: 100, y: 100, w: 20, h: 40 }, 3)).toEqual({ x: 50, y: 60, w: 120, h: 120 });
  });
  it('mergeDetections keeps the primary one of two overlapping detections', () => {
    const a = det(0, 0, 50, 0.7);
    const b = det(2, 2, 50, 0.9);
    const c = det(300, 0, 50);
    expect(mergeDetections([a], [b, c])).toEqual([a, c]);
  });
});
