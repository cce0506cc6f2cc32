/**
 * Sanity check on real video: the MIT Eulerian Video Magnification 'face' clip from the shared
 * development media (static frontal close-up; documented pulse 50–60 bpm, estimated 53 bpm, no
 * sensor ground truth). There is no face detector in this test, so the six keypoints are placed
 * by hand on the first frame; the head barely moves. Nothing here was tuned to this clip: the
 * defaults were fixed on synthetic data before it was first run (median 53.0 bpm then).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WindowFeatures } from '../../../src/detectors/rppg/features.js';
import { compileRegionLayout } from '../../../src/detectors/rppg/layout.js';
import { sampleRegions } from '../../../src/detectors/rppg/regions.js';
import { PulseWindow } from '../../../src/detectors/rppg/window.js';
import type { FaceLandmarks } from '../../../src/core/geometry.js';
import { decodeVideo, x264Available } from './ffmpeg.js';

const CLIP = fileURLToPath(new URL('../../../../shared/media/real_mit-evm_face.mp4', import.meta.url));

/** Hand-placed on frame 0 (528 × 592): pupils, nose tip, mouth centre, ear tragions. */
const LANDMARKS: FaceLandmarks = {
  leftEye: { x: 168, y: 223 },
  rightEye: { x: 318, y: 238 },
  noseTip: { x: 232, y: 315 },
  mouth: { x: 222, y: 390 },
  leftEar: { x: 45, y: 275 },
  rightEar: { x: 455, y: 300 },
};

const available = existsSync(CLIP) && x264Available();
if (!available) console.warn(`rPPG MIT-EVM check skipped: needs ${CLIP} (../shared/media) and ffmpeg`);

describe.skipIf(!available)('MIT-EVM face clip (real video, documented pulse 50–60 bpm)', () => {
  it('finds a confident pulse in the documented band', () => {
    const layout = compileRegionLayout();
    const win = new PulseWindow();
    const windows: WindowFeatures[] = [];
    decodeVideo(CLIP, (frame) => {
      const f = win.push(frame.ptsMs, sampleRegions(frame, LANDMARKS, layout));
      if (f && f.state !== 'filling') windows.push(f);
    });
    expect(windows.length).toBeGreaterThanOrEqual(10);
    const ok = windows.filter((f) => f.state === 'ok');
    expect(ok.length).toBeGreaterThanOrEqual(windows.length / 2);
    const rates = ok.map((f) => f.hrBpm as number).sort((a, b) => a - b);
    const median = rates[Math.floor(rates.length / 2)] as number;
    expect(median).toBeGreaterThanOrEqual(50);
    expect(median).toBeLessThanOrEqual(60);
  });
});
