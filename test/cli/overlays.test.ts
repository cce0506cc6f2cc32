import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverlayWriter } from '../../src/cli/overlays.js';
import type { FaceResult, FrameResult } from '../../src/pipeline/frame-result-schema.js';
import { tempDir } from '../helpers/media.js';

const W = 64;
const H = 48;
const p = (x: number, y: number) => ({ x, y });
const face = (source: 'detected' | 'predicted'): FaceResult => ({
  trackId: 1,
  box: { x: 10, y: 10, w: 20, h: 20 },
  landmarks: { leftEye: p(15, 18), rightEye: p(25, 18), noseTip: p(20, 22), mouth: p(20, 26), leftEar: p(11, 20), rightEar: p(29, 20) },
  score: 0.9,
  source,
  detectors: {},
});
const result = (seq: number, faces: FaceResult[]): FrameResult => ({ streamId: 's', seq, ptsMs: seq * 40, width: W, height: H, faces, endedTracks: [], timing: { facesMs: 0, detectorsMs: 0 } });
const frame = (seq: number) => ({ streamId: 's', seq, ptsMs: seq * 40, width: W, height: H, data: new Uint8Array(W * H * 3) });

let dir: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir('fakescope-ov-');
});
afterAll(() => dir.cleanup());

describe('OverlayWriter', () => {
  it('draws boxes from a frame the face detector saw: a slot on a predicted frame moves to the next detected one', async () => {
    const w = new OverlayWriter(dir.dir, 10);
    // Detection every 3 frames (0, 3, 6, …): slot 10 is predicted → frame 12; slot 20 → 21.
    // Frames without faces count as observed (nothing to misplace).
    for (let seq = 0; seq < 32; seq++) {
      const faces = seq >= 28 ? [] : [face(seq % 3 === 0 ? 'detected' : 'predicted')];
      w.add(frame(seq), result(seq, faces));
      await w.flush();
    }
    expect(readdirSync(dir.dir).sort()).toEqual(['frame-000000.jpg', 'frame-000012.jpg', 'frame-000021.jpg', 'frame-000030.jpg']);
  });

  it('gives up waiting after every − 1 frames, so no slot is lost', async () => {
    const sub = `${dir.dir}/never`;
    const w = new OverlayWriter(sub, 4);
    for (let seq = 0; seq < 8; seq++) w.add(frame(seq), result(seq, [face('predicted')]));
    await w.flush();
    expect(readdirSync(sub).sort()).toEqual(['frame-000003.jpg', 'frame-000007.jpg']);
  });
});
