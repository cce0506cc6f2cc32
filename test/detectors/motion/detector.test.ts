/**
 * The `motion` detector through the contract, with the closed-form model of
 * test/fixtures/make_tiny_motion.py: its answer is known from the window's features and the seeded
 * masks. Also: insufficient while the window fills and on a frozen face (never a p(fake) then),
 * tracks freed, and mismatched models refused with E_MODEL.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWith } from '../../../src/config/validate.js';
import type { DetectorContext, DetectorOutput } from '../../../src/detectors/contract.js';
import { MOTION_FEATURES } from '../../../src/detectors/motion/analysis.js';
import { type MotionDetector, createMotionDetector } from '../../../src/detectors/motion/detector.js';
import { MotionConfigSchema } from '../../../src/detectors/motion/index.js';
import { loadMotionModel } from '../../../src/detectors/motion/model.js';
import { createMotionContext } from '../../../src/detectors/motion/options.js';
import { MotionSampler } from '../../../src/detectors/motion/sampler.js';
import { MotionWindow } from '../../../src/detectors/motion/window.js';
import { createPrng, deriveSeed } from '../../../src/detectors/mc/prng.js';
import { sampleNoise } from '../../../src/detectors/mc/noise.js';
import { createOnnxSessionFactory } from '../../../src/detectors/onnx/session.js';
import { builtinRegistry } from '../../../src/detectors/builtin.js';
import { sigmoid } from '../../../src/core/uncertainty.js';
import { type MovingSpec, faceOf, landmarksAt, movingFrame } from './synth.js';

const TINY = fileURLToPath(new URL('../../fixtures/tiny-motion/', import.meta.url));
const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
afterAll(() => sessions.releaseAll());
const SEED = 7;
const T = 8;
const ctx: DetectorContext = { sessions, seed: SEED, modelsDir: TINY };

async function detector(model = join(TINY, 'manifest.json')): Promise<MotionDetector> {
  const config = parseWith(MotionConfigSchema, { type: 'motion', model, samples: T }, 'motion');
  const d = await createMotionDetector(config, ctx);
  await d.warmup();
  return d;
}

const W = 160;
const H = 120;
const face = faceOf(3, landmarksAt(W / 2, H / 2 - 8));
const moving: MovingSpec = { width: W, height: H, shift: (t) => [0.6 * Math.sin(2 * Math.PI * 2 * t), 0.3 * Math.sin(2 * Math.PI * 5 * t)], noise: 1, seed: 2 };
const frames = (spec: MovingSpec, n: number) => Array.from({ length: n }, (_, i) => movingFrame(spec, i, (i * 1000) / 30));

describe('motion detector with a closed-form model', () => {
  it('reports insufficient while the window fills, then the known answer of the model', async () => {
    const d = await detector();
    const wctx = createMotionContext({ hopSec: 0.5 });
    const sampler = new MotionSampler(wctx);
    const win = new MotionWindow(wctx);
    const outs: DetectorOutput[] = [];
    let analysed = 0;
    let checked = 0;
    for (const frame of frames(moving, 90)) {
      const out = (await d.infer({ frame, faces: [face] })).get(face.trackId) as DetectorOutput;
      outs.push(out);
      const r = win.push(frame.ptsMs, sampler.sample(frame, face));
      if (!r?.analysis?.features || !r.analysis.map) continue;
      // The closed form: logit_t = Σ f·m_t·w + 0.1·mean(map) + 0.5, masks from the window's seed.
      const f = r.analysis.features;
      const mapMean = r.analysis.map.reduce((s, v) => s + v, 0) / r.analysis.map.length;
      const seed = deriveSeed(SEED, 'motion', 'motion', face.trackId, analysed++);
      const masks = sampleNoise({ name: 'noise', width: MOTION_FEATURES.length, distribution: { type: 'bernoulli-mask', rate: 0.5 } }, 1, T, createPrng(deriveSeed(seed, 0)));
      let p = 0;
      let realP = 0;
      for (let t = 0; t < T; t++) {
        const m = (j: number) => (f[j] as number) * (masks[t * MOTION_FEATURES.length + j] as number);
        p += sigmoid(m(0) - 0.5 * m(1) + 0.1 * mapMean + 0.5) / T;
        const g = [m(0), m(18), -m(0)];
        const e = g.map((v) => Math.exp(v - Math.max(...g)));
        realP += (e[0] as number) / e.reduce((a, b) => a + b, 0) / T;
      }
      expect(out.state).toBe('ok');
      expect(out.pFake).toBeCloseTo(p, 5);
      expect(out.attribution?.classes).toEqual(['real', 'a', 'b']);
      expect(out.attribution?.probabilities[0]).toBeCloseTo(realP, 3);
      expect(out.measurements?.motionLowPx).toBeGreaterThan(0);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(2);
    const firstOk = outs.findIndex((o) => o.state === 'ok');
    expect(firstOk).toBeGreaterThan(55);
    for (const o of outs.slice(0, firstOk)) {
      expect(o.state).toBe('insufficient');
      expect(o.pFake).toBeNull();
      expect(o.reason).toMatch(/window filling/);
    }
    d.endTrack(face.trackId);
    expect(d.trackCount).toBe(0);
  });

  it('a frozen face is insufficient on every frame, never a verdict', async () => {
    const d = await detector();
    const still = frames({ width: W, height: H, shift: () => [0, 0] }, 100);
    const outs: DetectorOutput[] = [];
    for (const frame of still) outs.push((await d.infer({ frame, faces: [face] })).get(face.trackId) as DetectorOutput);
    expect(outs.every((o) => o.state === 'insufficient' && o.pFake === null)).toBe(true);
    expect(outs[outs.length - 1]?.reason).toMatch(/frozen|still/);
  });

  it('same seed, same answers', async () => {
    const run = async () => {
      const d = await detector();
      let last: DetectorOutput | undefined;
      for (const frame of frames(moving, 70)) last = (await d.infer({ frame, faces: [face] })).get(face.trackId);
      return last;
    };
    const [a, b] = [await run(), await run()];
    expect(a?.state).toBe('ok');
    expect(a?.pFake).toBe(b?.pFake);
  });

  it('is in the builtin registry as type "motion"', () => {
    expect(builtinRegistry().get('motion')?.type).toBe('motion');
  });
});

describe('mismatched models are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fakescope-motion-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** The manifest fields these cases edit. */
  interface Editable {
    sha256: string;
    family: string;
    inputs: { map: { name: string; shape: unknown[] }; features: { names: string[] } };
    window: { n: number };
    outputs: { generator: { classes: string[] } };
  }
  const manifest = JSON.parse(readFileSync(join(TINY, 'manifest.json'), 'utf8')) as Editable;
  copyFileSync(join(TINY, 'model.onnx'), join(dir, 'model.onnx'));
  const variant = (name: string, edit: (m: Editable) => void): string => {
    const m = structuredClone(manifest);
    edit(m);
    const p = join(dir, `${name}.json`);
    writeFileSync(p, JSON.stringify(m));
    return p;
  };

  it.each([
    ['sha256', (m: Editable) => (m.sha256 = 'a'.repeat(64)), /does not match the manifest/],
    ['map shape', (m: Editable) => (m.inputs.map.shape = ['N', 32, 21]), /motion maps/],
    ['feature list', (m: Editable) => (m.inputs.features.names = [...m.inputs.features.names].reverse()), /features/],
    ['window', (m: Editable) => (m.window.n = 128), /trained on windows with n = 128/],
    ['graph inputs', (m: Editable) => (m.inputs.map.name = 'ppg_map'), /no input "ppg_map"/],
    ['generator classes', (m: Editable) => (m.outputs.generator.classes = ['real', 'a']), /classes/],
    ['kind', (m: Editable) => (m.family = 'rppg'), /does not match fakescope-model-manifest/],
  ])('%s', async (name, edit, message) => {
    const p = variant(name.replace(/\s/g, '-'), edit);
    await expect(loadMotionModel(p, sessions)).rejects.toMatchObject({ code: 'E_MODEL', message: expect.stringMatching(message) });
  });

  it('a missing manifest', async () => {
    await expect(loadMotionModel(join(dir, 'nope.json'), sessions)).rejects.toMatchObject({ code: 'E_MODEL' });
  });
});
