import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DetectorContext, DetectorOutput } from '../../../src/detectors/contract.js';
import { blindRegistration } from '../../../src/detectors/blind/index.js';
import { loadBlindModel } from '../../../src/detectors/blind/manifest.js';
import { sampleNoise } from '../../../src/detectors/mc/noise.js';
import { createPrng, deriveSeed } from '../../../src/detectors/mc/prng.js';
import { createOnnxSessionFactory } from '../../../src/detectors/onnx/session.js';
import type { Frame } from '../../../src/core/frame.js';
import type { TrackedFace } from '../../../src/core/face.js';
import { sigmoid, summarizeSamples } from '../../../src/core/uncertainty.js';

/**
 * The blind detector runtime on a closed-form model (test/fixtures/make_tiny_blind.py): its
 * outputs can be computed by hand from the seeded noise, so the MC statistics are checked exactly.
 */
const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
const tmp = mkdtempSync(join(tmpdir(), 'fakescope-blind-'));
afterAll(async () => {
  await sessions.releaseAll();
  rmSync(tmp, { recursive: true, force: true });
});

const ctx = (seed: number): DetectorContext => ({ sessions, seed, modelsDir: FIXTURES });
const RGB = [200, 100, 50] as const;

/** A uniformly coloured frame: every aligned crop of it is that colour, so f = RGB / 255. */
function frame(seq: number): Frame {
  const data = new Uint8Array(64 * 48 * 3);
  for (let i = 0; i < data.length; i += 3) data.set(RGB, i);
  return { streamId: 'test', seq, ptsMs: seq * 40, width: 64, height: 48, data };
}

function face(trackId: number): TrackedFace {
  const p = (x: number, y: number) => ({ x, y });
  return {
    trackId,
    box: { x: 10, y: 5, w: 40, h: 40 },
    landmarks: { leftEye: p(22, 20), rightEye: p(38, 20), noseTip: p(30, 27), mouth: p(30, 35), leftEar: p(12, 24), rightEar: p(48, 24) },
    score: 0.9,
    source: 'detected',
    age: 0,
  };
}

async function create(seed: number, extra: Record<string, unknown> = {}) {
  const config = { type: 'blind', model: 'tiny-blind', name: 'tiny', samplesPerFrame: 8, window: 3, dense: true, ...extra };
  return blindRegistration.create(config as never, ctx(seed));
}

/** The fake probabilities the tiny model must give for frame `seq`, faces in order. */
function expectedProbabilities(seed: number, seq: number, faces: number, k: number): number[][] {
  const model = loadBlindModel('tiny-blind', FIXTURES);
  const rng = createPrng(deriveSeed(seed, 'tiny', seq));
  const noise = sampleNoise(model.noise[0]!, faces, k, rng);
  const f = RGB.map((v) => v / 255);
  const w = [2, -1, 0.5];
  return Array.from({ length: faces }, (_, n) =>
    Array.from({ length: k }, (_, t) => {
      let logit = 0.25;
      for (let c = 0; c < 3; c++) logit += (f[c] as number) * (noise[(n * k + t) * 3 + c] as number) * (w[c] as number);
      return sigmoid(logit / 2); // calibration temperature 2
    }),
  );
}

describe('blind detector runtime', () => {
  it('gives the closed-form MC statistics, with the entropy split into aleatoric and epistemic', async () => {
    const d = await create(7);
    await d.warmup();
    const out = (await d.infer({ frame: frame(0), faces: [face(1), face(2)] })) as Map<number, DetectorOutput>;
    const expected = expectedProbabilities(7, 0, 2, 8);
    for (const [i, id] of [1, 2].entries()) {
      const got = out.get(id)!;
      const want = summarizeSamples(expected[i]!)!;
      expect(got.state).toBe('ok');
      expect(got.uncertainty!.samples).toBe(8);
      for (const key of ['mean', 'std', 'entropy', 'aleatoric', 'epistemic'] as const) expect(got.uncertainty![key]).toBeCloseTo(want[key], 5);
      expect(got.uncertainty!.entropy).toBeCloseTo(got.uncertainty!.aleatoric + got.uncertainty!.epistemic, 10);
      // Dropout masks at rate 0.5 make the samples differ: real epistemic uncertainty.
      expect(new Set(expected[i]!.map((p) => p.toFixed(6))).size).toBeGreaterThan(1);
      expect(got.uncertainty!.epistemic).toBeGreaterThan(0);
    }
  });

  it('repeats exactly under the same seed and differs under another', async () => {
    const run = async (seed: number) => {
      const d = await create(seed);
      const r = await d.infer({ frame: frame(3), faces: [face(1)] });
      return r.get(1)!.uncertainty;
    };
    expect(await run(11)).toEqual(await run(11));
    expect(await run(11)).not.toEqual(await run(12));
  });

  it('pools k samples per frame over the last W frames of a track (T_eff = k·W)', async () => {
    const d = await create(5);
    const tEff: number[] = [];
    let last: DetectorOutput | undefined;
    for (let seq = 0; seq < 5; seq++) {
      last = (await d.infer({ frame: frame(seq), faces: [face(1)] })).get(1);
      tEff.push(last!.uncertainty!.samples);
    }
    expect(tEff).toEqual([8, 16, 24, 24, 24]);
    expect(last!.measurements).toMatchObject({ tEff: 24, samplesPerFrame: 8, pooledFrames: 3 });
    const pooled = summarizeSamples([2, 3, 4].flatMap((seq) => expectedProbabilities(5, seq, 1, 8)[0]!))!;
    expect(last!.uncertainty!.mean).toBeCloseTo(pooled.mean, 6);
    expect(last!.uncertainty!.epistemic).toBeCloseTo(pooled.epistemic, 6);
    // A track that ends starts over.
    d.endTrack(1);
    expect((await d.infer({ frame: frame(5), faces: [face(1)] })).get(1)!.uncertainty!.samples).toBe(8);
  });

  it('reports a per-cell map, region statistics and source attribution', async () => {
    const d = await create(9);
    const out = (await d.infer({ frame: frame(0), faces: [face(1)] })).get(1)!;
    expect(out.map).toMatchObject({ gridW: 2, gridH: 2, cropSize: 16 });
    expect(out.map!.pFake).toHaveLength(4);
    // cellBias [[0, 1], [-1, 2]] with zero-mean noise: the bottom-right cell is the most "fake".
    expect(out.map!.pFake.indexOf(Math.max(...out.map!.pFake))).toBe(3);
    expect(out.map!.epistemic.every((e) => e > 0)).toBe(true);
    expect(Object.keys(out.regions!).sort()).toEqual(['forehead', 'leftCheek', 'leftEye', 'mouth', 'nose', 'rightCheek', 'rightEye']);
    expect(out.attribution!.classes).toEqual(['real', 'a', 'b']);
    expect(out.attribution!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  });

  it('refuses a model whose file does not match its manifest', () => {
    const dir = join(tmp, 'tampered');
    cpSync(join(FIXTURES, 'tiny-blind'), dir, { recursive: true });
    writeFileSync(join(dir, 'model.onnx'), Buffer.concat([readFileSync(join(dir, 'model.onnx')), Buffer.from([0])]));
    expect(() => loadBlindModel(dir, tmp)).toThrow(/has \d+ bytes, the manifest says 755/);
  });

  it('refuses a manifest that promises inputs the model does not have', async () => {
    const dir = join(tmp, 'extra-input');
    cpSync(join(FIXTURES, 'tiny-blind'), dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    m.mc.inputs.push({ name: 'ghost', shape: ['N', 'T', 1], distribution: 'standard-normal' });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    await expect(blindRegistration.create({ type: 'blind', model: dir, name: 'x', samplesPerFrame: 2, window: 1, dense: true }, ctx(1))).rejects.toThrow(
      /does not match its manifest \(inputs missing: ghost/,
    );
  });

  it('refuses an unknown model with the places it looked', () => {
    expect(() => loadBlindModel('no-such-model', FIXTURES)).toThrow(/no model "no-such-model": looked for/);
  });
});
