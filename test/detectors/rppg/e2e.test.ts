/**
 * Acceptance: synthetic face videos → sampleRegions with the known landmarks → PulseWindow.
 * A 72 bpm pulse must come out as a confident 72 ± 2 bpm; the same video without a pulse must
 * never give a confident answer.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../src/core/frame.js';
import type { WindowFeatures } from '../../../src/detectors/rppg/features.js';
import { compileRegionLayout } from '../../../src/detectors/rppg/layout.js';
import { sampleRegions } from '../../../src/detectors/rppg/regions.js';
import { PulseWindow } from '../../../src/detectors/rppg/window.js';
import { type VideoSpec, syntheticFaceVideo, syntheticLandmarks } from './synth.js';
import { x264Available, x264RoundTrip } from './ffmpeg.js';

const layout = compileRegionLayout();

/** 6.3 s of 640×480 at 30 fps: one window to fill, then four analyses 0.5 s apart. */
function video(hrHz: number, seed: number, pulseLevels = 0.7): VideoSpec {
  return { width: 640, height: 480, fps: 30, frames: 190, hrHz, pulseLevels, pixelNoise: 2, motionPx: 3, drift: 0.03, seed };
}

function analyse(spec: VideoSpec, frames: Iterable<Frame>): WindowFeatures[] {
  const win = new PulseWindow();
  const out: WindowFeatures[] = [];
  for (const frame of frames) {
    const f = win.push(frame.ptsMs, sampleRegions(frame, syntheticLandmarks(spec, frame.seq), layout));
    if (f && f.state !== 'filling') out.push(f);
  }
  return out;
}

function* framesOf(spec: VideoSpec): Generator<Frame> {
  for (const { frame } of syntheticFaceVideo(spec)) yield frame;
}

function median(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

describe('end to end on uncompressed 8-bit video (noise, sway, illumination drift)', () => {
  it.each([7, 8])('72 bpm pulse (seed %i): every window ok, 72 ± 2 bpm, good SNR, coherent', (seed) => {
    const spec = video(1.2, seed);
    const windows = analyse(spec, framesOf(spec));
    expect(windows.length).toBe(4);
    for (const f of windows) {
      expect(f.state).toBe('ok');
      expect(Math.abs((f.hrBpm as number) - 72)).toBeLessThanOrEqual(2);
      expect(f.snrDb as number).toBeGreaterThan(6);
      expect(f.coherence as number).toBeGreaterThan(0.3);
      expect(f.validCells).toBeGreaterThanOrEqual(28);
    }
  });

  it.each([7, 8])('no pulse (seed %i): never ok, low SNR, incoherent', (seed) => {
    const spec = video(0, seed);
    const windows = analyse(spec, framesOf(spec));
    expect(windows.length).toBe(4);
    for (const f of windows) {
      expect(f.state).toBe('low-quality');
      expect(f.snrDb as number).toBeLessThan(6);
      expect(Math.abs(f.coherence as number)).toBeLessThan(0.1);
    }
    expect(median(windows.map((f) => f.snrDb as number))).toBeLessThan(3);
  });
});

const hasX264 = x264Available();
if (!hasX264) console.warn('rPPG e2e: ffmpeg with libx264 not found, skipping the compressed-video checks');

describe.skipIf(!hasX264)('end to end through H.264 (libx264 -crf 23)', () => {
  function compressed(spec: VideoSpec): WindowFeatures[] {
    const frames: Frame[] = [];
    x264RoundTrip(framesOf(spec), spec.fps, 23, (f) => frames.push(f));
    return analyse(spec, frames);
  }

  // crf 23 drops most sub-level changes, so the pulse survives only as steps when it accumulates
  // past the quantiser: a 0.7-level pulse is mostly lost, a 1-level one comes through with a
  // bias of −1…−2.3 bpm on the window median (seeds 1–10 of this clip; seed 7 here).
  it('72 bpm pulse of 1 level: mostly ok windows, median heart rate 72 ± 3 bpm', () => {
    const windows = compressed(video(1.2, 7, 1));
    expect(windows.length).toBe(4);
    expect(windows.filter((f) => f.state === 'ok').length).toBeGreaterThanOrEqual(2);
    expect(Math.abs(median(windows.map((f) => f.hrBpm as number)) - 72)).toBeLessThanOrEqual(3);
  });

  it('no pulse: never ok', () => {
    const windows = compressed(video(0, 7, 1));
    expect(windows.length).toBe(4);
    for (const f of windows) expect(f.state).toBe('low-quality');
  });
});
