import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.js';
import type { DetectorOutput } from '../../src/detectors/contract.js';
import { createBlindDetector } from '../../src/detectors/blind/detector.js';
import { loadBlindModel } from '../../src/detectors/blind/manifest.js';
import { writeAlignedInput } from '../../src/detectors/blind/preprocess.js';
import type { FaceDetector } from '../../src/detectors/contract.js';
import { createFaceDetector } from '../../src/detectors/face/face-detector.js';
import { loadFaceDetectorManifest } from '../../src/detectors/face/manifest.js';
import { deriveSeed } from '../../src/detectors/mc/prng.js';
import { createOnnxSessionFactory } from '../../src/detectors/onnx/session.js';
import { runAdversarial } from '../../src/eval/adversarial.js';
import type { AttackedCrop } from '../../src/eval/adversarial-summary.js';
import { createAttackTarget } from '../../src/eval/adversarial-target.js';
import type { Frame } from '../../src/core/frame.js';
import { makeClip, sharedMedia, tempDir } from '../helpers/media.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MODELS = join(ROOT, 'models');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const SYNTH = join(MODELS, 'training', 'cache', 'synth-videos', 'test');

const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
const config = parseConfig({});
let faceDetector: FaceDetector;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('fakescope-adversarial-'));
  faceDetector = await createFaceDetector(loadFaceDetectorManifest(config.faces.model), sessions);
});
afterAll(async () => {
  await sessions.releaseAll();
  await cleanup();
});

/** The first fake clip of the synthetic test split, or null without the training cache. */
function synthFake(): string | null {
  const manifest = join(SYNTH, 'manifest.tsv');
  if (!existsSync(manifest)) return null;
  const row = readFileSync(manifest, 'utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .find((cols) => cols[1] === 'fake' && existsSync(join(SYNTH, cols[0] as string)));
  return row ? join(SYNTH, row[0] as string) : null;
}

describe('attack target', () => {
  const model = loadBlindModel('tiny-blind', FIXTURES);
  const p = (x: number, y: number) => ({ x, y });
  const landmarks = { leftEye: p(22, 20), rightEye: p(38, 20), noseTip: p(30, 27), mouth: p(30, 35), leftEar: p(12, 24), rightEar: p(48, 24) };
  const frame: Frame = {
    streamId: 's',
    seq: 4,
    ptsMs: 160,
    width: 64,
    height: 48,
    data: Uint8Array.from({ length: 64 * 48 * 3 }, (_, i) => (i * 37) % 256),
  };

  it('answers exactly as the runtime blind detector does on the same crop and noise', async () => {
    const session = await sessions.create(model.file);
    const target = createAttackTarget(model, session);
    const detector = createBlindDetector(model, session, { sessions, seed: 7, modelsDir: FIXTURES }, { name: 'tiny', samplesPerFrame: 8, window: 1, dense: false });
    const out = (await detector.infer({ frame, faces: [{ trackId: 1, box: { x: 10, y: 5, w: 40, h: 40 }, landmarks, score: 0.9, source: 'detected', age: 0 }] })).get(1) as DetectorOutput;
    const image = new Float32Array(3 * 16 * 16);
    writeAlignedInput(frame, landmarks, model.input, image, 0, new Uint8Array(16 * 16 * 3));
    const stats = await target.mcStats(image, 8, deriveSeed(7, 'tiny', 4));
    expect(stats.mean).toBeCloseTo(out.pFake as number, 6);
    expect(stats.epistemic).toBeCloseTo(out.uncertainty?.epistemic as number, 6);
    const [a, b] = await target.meanLogits([image, image.map((v) => 1 - v)]);
    expect(await target.meanLogits([image])).toEqual([a]);
    expect(a).not.toBe(b);
  });
});

describe('runAdversarial', () => {
  it('reports 0 crops, with notes, when no clip has a usable face', async () => {
    const clip = await makeClip(dir, { width: 320, height: 240, seconds: 1, name: 'testsrc.mp4' });
    const notes: string[] = [];
    const report = await runAdversarial({
      files: [clip, join(dir, 'missing.mp4')],
      sessions,
      faceDetector,
      config,
      modelsDir: MODELS,
      queries: 5,
      onNote: (n) => notes.push(n),
    });
    expect(report).toMatchObject({ detector: 'blind-faceres-sbi-mcd', crops: 0, clips: 0, queries: 5, meanPFakeBefore: null, flipRate: null, epistemicRoseFraction: null });
    expect(report.epsilon).toBeCloseTo(4 / 255, 12);
    expect(notes).toEqual([expect.stringMatching(/no face of at least 40 px in .*testsrc\.mp4/), expect.stringMatching(/skipped .*missing\.mp4: .*no such file/)]);
  });

  it('refuses bad sampling options before touching any clip', async () => {
    await expect(runAdversarial({ files: [], sessions, faceDetector, config, modelsDir: MODELS, frameEvery: 0 })).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('stops with E_STOPPED when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const clip = await makeClip(dir, { width: 160, height: 120, seconds: 0.2, name: 'abort.mp4' });
    await expect(runAdversarial({ files: [clip], sessions, faceDetector, config, modelsDir: MODELS, signal: controller.signal })).rejects.toMatchObject({ code: 'E_STOPPED' });
  });

  // A development deepfake (in CI: ../shared/media), else a synthetic fake from the training cache.
  const fake = sharedMedia('fake_dfdc_widuwuoiur.mp4') ?? synthFake();
  const skipped = fake ? '' : ' (skipped: neither ../shared/media nor models/training/cache/synth-videos/test is here)';
  if (!fake) console.warn(`adversarial test${skipped}`);
  it.skipIf(!fake)(`attacks face crops of a fake clip and lowers the attacked score${skipped}`, async () => {
    const crops: AttackedCrop[] = [];
    const options = { files: [fake as string], sessions, faceDetector, config, modelsDir: MODELS, queries: 15, samples: 8, cropsPerClip: 2 };
    const report = await runAdversarial({ ...options, onCrop: (c) => crops.push(c) });
    expect(await runAdversarial(options)).toEqual(report); // seeded: a run repeats exactly
    expect(report.crops).toBe(2);
    expect(report.clips).toBe(1);
    expect(crops.map((c) => c.seq)).toEqual([0, 10]);
    for (const c of crops) {
      expect(c.queries).toBe(15);
      expect(c.attackedScore).toBeLessThanOrEqual(c.cleanScore);
      for (const a of [c.before, c.after]) {
        expect(a.pFake).toBeGreaterThan(0);
        expect(a.pFake).toBeLessThan(1);
        expect(a.epistemic).toBeGreaterThanOrEqual(0);
        expect(a.epistemic).toBeLessThanOrEqual(Math.LN2);
      }
    }
    expect(report.meanPFakeBefore).toBeCloseTo(((crops[0]?.before.pFake as number) + (crops[1]?.before.pFake as number)) / 2, 12);
    expect(report.epistemicRoseFraction).not.toBeNull();
  });
});
