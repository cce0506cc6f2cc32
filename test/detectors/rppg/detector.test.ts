/**
 * Acceptance at detector level: the `rppg` Detector (shipped model) on synthetic face videos with
 * known landmarks, through real H.264 compression. A 72 bpm pulse must be measured at 72 ± 2 bpm;
 * without a pulse the detector must report low SNR and, on every frame, either `insufficient` or
 * an answer of high predictive entropy, and the clip's verdict (default policy) must be
 * "uncertain" — never a confident verdict.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/schema.js';
import type { DetectorContext, DetectorOutput } from '../../../src/detectors/contract.js';
import { createOnnxSessionFactory } from '../../../src/detectors/onnx/session.js';
import { type RppgDetector, createRppgDetector } from '../../../src/detectors/rppg/detector.js';
import { RppgConfigSchema } from '../../../src/detectors/rppg/index.js';
import { parseWith } from '../../../src/config/validate.js';
import type { Frame } from '../../../src/core/frame.js';
import type { TrackedFace } from '../../../src/core/face.js';
import type { FaceLandmarks } from '../../../src/core/geometry.js';
import type { UncertaintyStats } from '../../../src/core/uncertainty.js';
import { decideVerdict, videoScore } from '../../../src/pipeline/verdict.js';
import { type VideoSpec, syntheticFaceVideo, syntheticLandmarks } from './synth.js';
import { x264Available, x264RoundTrip } from './ffmpeg.js';

const MODELS_DIR = fileURLToPath(new URL('../../../models/', import.meta.url));
const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
afterAll(() => sessions.releaseAll());

const POLICY = parseConfig({}).verdict;

function ctx(seed = 1): DetectorContext {
  return { sessions, seed, modelsDir: MODELS_DIR };
}

async function detector(seed = 1, overrides: Record<string, unknown> = {}): Promise<RppgDetector> {
  const config = parseWith(RppgConfigSchema, { type: 'rppg', ...overrides }, 'rppg');
  const d = await createRppgDetector(config, ctx(seed));
  await d.warmup();
  return d;
}

function trackedFace(trackId: number, landmarks: FaceLandmarks, age: number): TrackedFace {
  const xs = Object.values(landmarks).map((p) => p.x);
  const ys = Object.values(landmarks).map((p) => p.y);
  const w = Math.max(...xs) - Math.min(...xs);
  const box = { x: Math.min(...xs), y: Math.min(...ys) - 0.3 * w, w, h: 1.2 * w };
  return { trackId, box, landmarks, score: 0.9, source: 'detected', age };
}

/** 6.3 s of 640×480 at 30 fps with slow sway, pixel noise and an illumination ramp. */
function video(hrHz: number, seed: number, pulseLevels = 1.2): VideoSpec {
  return { width: 640, height: 480, fps: 30, frames: 190, hrHz, pulseLevels, pixelNoise: 2, motionPx: 3, drift: 0.03, seed };
}

function compressedFrames(spec: VideoSpec, crf: number): Frame[] {
  const frames: Frame[] = [];
  const raw = (function* () {
    for (const { frame } of syntheticFaceVideo(spec)) yield frame;
  })();
  x264RoundTrip(raw, spec.fps, crf, (f) => frames.push(f));
  return frames;
}

async function run(d: RppgDetector, spec: VideoSpec, frames: readonly Frame[], trackIds = [1]): Promise<Map<number, DetectorOutput[]>> {
  const out = new Map<number, DetectorOutput[]>(trackIds.map((id) => [id, []]));
  for (const frame of frames) {
    const faces = trackIds.map((id) => trackedFace(id, syntheticLandmarks(spec, frame.seq), frame.seq));
    const res = await d.infer({ frame, faces });
    for (const id of trackIds) (out.get(id) as DetectorOutput[]).push(res.get(id) as DetectorOutput);
  }
  return out;
}

const median = (x: number[]): number => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)] as number;

/**
 * "High uncertainty" for one window: predictive entropy at least 0.6 nats, 87 % of the maximum
 * ln 2 (p(fake) within about [0.27, 0.73]). The verdict itself is a clip-level decision (pooled
 * windows, default policy), checked separately.
 */
const HIGH_ENTROPY = 0.6;

const hasX264 = x264Available();
if (!hasX264) console.warn('rPPG detector test: ffmpeg with libx264 not found, skipping the compressed-video checks');

describe.skipIf(!hasX264)('rppg detector on synthetic faces through H.264 (crf 18)', () => {
  it('72 bpm pulse: window filling first, then heart rate 72 ± 2 bpm with p(fake) and uncertainty', async () => {
    const spec = video(1.2, 7);
    const d = await detector();
    const outs = (await run(d, spec, compressedFrames(spec, 18))).get(1) as DetectorOutput[];
    expect(outs.length).toBe(190);
    // The first ~4.2 s: no answer, a reason that says why and how far the window is.
    for (const o of outs.slice(0, 120)) {
      expect(o.state).toBe('insufficient');
      expect(o.pFake).toBeNull();
      expect(o.reason).toMatch(/^window filling \(\d+ %\)$/);
    }
    const answered = outs.filter((o) => o.state === 'ok');
    expect(answered.length).toBeGreaterThan(40);
    for (const o of answered) {
      expect(o.uncertainty?.samples).toBe(32);
      expect(o.pFake).toBe(o.uncertainty?.mean);
      expect(o.measurements?.snrDb).not.toBeNull();
    }
    const rates = answered.map((o) => o.measurements?.hrBpm as number);
    expect(Math.abs(median(rates) - 72)).toBeLessThanOrEqual(2);
    for (const r of rates) expect(Math.abs(r - 72)).toBeLessThanOrEqual(2);
    expect(median(answered.map((o) => o.measurements?.clearPulse as number))).toBe(1);
  });

  it.each([7, 8])('no pulse (seed %i): low SNR; every frame insufficient or highly uncertain; the clip verdict uncertain', async (seed) => {
    const spec = video(0, seed);
    const d = await detector();
    const outs = (await run(d, spec, compressedFrames(spec, 18))).get(1) as DetectorOutput[];
    const measured = outs.filter((o) => o.measurements?.snrDb !== undefined && o.measurements.snrDb !== null);
    expect(measured.length).toBeGreaterThan(40);
    expect(median(measured.map((o) => o.measurements?.snrDb as number))).toBeLessThan(3);
    for (const o of outs) {
      if (o.state === 'insufficient') {
        expect(o.reason).toBeTruthy();
        continue;
      }
      expect(o.measurements?.clearPulse).toBe(0);
      expect((o.uncertainty as UncertaintyStats).entropy).toBeGreaterThanOrEqual(HIGH_ENTROPY);
    }
    const stats = outs.flatMap((o) => (o.state === 'ok' && o.uncertainty ? [o.uncertainty] : []));
    expect(decideVerdict(videoScore(stats), POLICY).verdict).toBe('uncertain');
  });

  it('with scoreUnclearPulse off, a no-pulse face is insufficient with "no clear pulse"', async () => {
    const spec = video(0, 7);
    const d = await detector(1, { scoreUnclearPulse: false });
    const outs = (await run(d, spec, compressedFrames(spec, 18))).get(1) as DetectorOutput[];
    expect(outs.every((o) => o.state === 'insufficient')).toBe(true);
    expect(outs.at(-1)?.reason).toMatch(/^no clear pulse \(.*low-snr.*\)$/);
  });
});

describe('rppg detector bookkeeping (uncompressed synthetic frames)', () => {
  const spec = video(1.2, 3);
  const frames = [...syntheticFaceVideo(spec)].map((s) => s.frame);

  it('runs repeat exactly under the same seed; another seed draws other masks', async () => {
    const a = (await run(await detector(1), spec, frames)).get(1) as DetectorOutput[];
    const b = (await run(await detector(1), spec, frames)).get(1) as DetectorOutput[];
    const c = (await run(await detector(2), spec, frames)).get(1) as DetectorOutput[];
    expect(b).toEqual(a);
    const last = (x: DetectorOutput[]) => x.at(-1)?.uncertainty as UncertaintyStats;
    expect(last(c).mean).not.toBe(last(a).mean);
    expect(c.at(-1)?.measurements).toEqual(a.at(-1)?.measurements);
  });

  it('scores several tracks in one batch with the same results as one at a time', async () => {
    const alone = (await run(await detector(), spec, frames, [1])).get(1);
    const both = await run(await detector(), spec, frames, [1, 2]);
    expect(both.get(1)).toEqual(alone);
    // Track 2 sees the same face with other masks: same measurements, other samples.
    expect(both.get(2)?.at(-1)?.measurements).toEqual(alone?.at(-1)?.measurements);
  });

  it('frees a track on endTrack and starts it over', async () => {
    const d = await detector();
    await run(d, spec, frames.slice(0, 150));
    expect(d.trackCount).toBe(1);
    d.endTrack(1);
    expect(d.trackCount).toBe(0);
    const res = await d.infer({ frame: frames[150] as Frame, faces: [trackedFace(1, syntheticLandmarks(spec, 150), 0)] });
    expect(res.get(1)?.reason).toBe('window filling (0 %)');
    await d.dispose();
    expect(d.trackCount).toBe(0);
  });

  it('says "face missing" when the landmarks show no skin', async () => {
    const d = await detector();
    const off = syntheticLandmarks(spec, 0);
    const shifted = Object.fromEntries(Object.entries(off).map(([k, p]) => [k, { x: p.x + 2000, y: p.y }])) as unknown as FaceLandmarks;
    const res = await d.infer({ frame: frames[0] as Frame, faces: [trackedFace(1, shifted, 0)] });
    expect(res.get(1)).toMatchObject({ state: 'insufficient', pFake: null, reason: 'face missing (no skin found)' });
  });
});
