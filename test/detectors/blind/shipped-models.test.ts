import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { blindRegistration } from '../../../src/detectors/blind/index.js';
import { loadBlindModel } from '../../../src/detectors/blind/manifest.js';
import { createOnnxSessionFactory } from '../../../src/detectors/onnx/session.js';
import type { TrackedFace } from '../../../src/core/face.js';

/**
 * Every blind model shipped in models/: the runtime feeds it exactly as torch did (parity.json),
 * its Monte Carlo samples really vary under graphOptimizationLevel 'all' (ONNX Runtime silently
 * deletes exported Dropout nodes; see ../shared/notes/mc-dropout-onnx.md), and seeded runs repeat.
 */
const MODELS = join(import.meta.dirname, '..', '..', '..', 'models');
const shipped = readdirSync(MODELS).filter((d) => d.startsWith('blind-') && existsSync(join(MODELS, d, 'manifest.json')));
const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
afterAll(() => sessions.releaseAll());

/** The formula inputs of models/training/export.py (see models/README.md, parity.json). */
function parityFeeds(model: ReturnType<typeof loadBlindModel>, n: number, t: number): Record<string, ort.Tensor> {
  const s = model.input.size;
  const image = Float32Array.from({ length: n * 3 * s * s }, (_, i) => ((i * 7919) % 1000) / 500 - 1);
  const feeds: Record<string, ort.Tensor> = { [model.input.name]: new ort.Tensor('float32', image, [n, 3, s, s]) };
  for (const spec of model.noise) {
    const count = n * t * spec.width;
    const data =
      spec.distribution.type === 'bernoulli-mask'
        ? Float32Array.from({ length: count }, (_, i) => ((i * 104729) % 5 === 0 ? 0 : 1 / (1 - (spec.distribution as { rate: number }).rate)))
        : Float32Array.from({ length: count }, (_, i) => ((i * 7919) % 2001) / 1000 - 1);
    feeds[spec.name] = new ort.Tensor('float32', data, [n, t, spec.width]);
  }
  return feeds;
}

function face(): TrackedFace {
  const p = (x: number, y: number) => ({ x, y });
  return {
    trackId: 1,
    box: { x: 40, y: 30, w: 120, h: 120 },
    landmarks: { leftEye: p(78, 80), rightEye: p(122, 80), noseTip: p(100, 105), mouth: p(100, 128), leftEar: p(55, 90), rightEar: p(145, 90) },
    score: 0.9,
    source: 'detected',
    age: 0,
  };
}

const frame = {
  streamId: 'test',
  seq: 0,
  ptsMs: 0,
  width: 200,
  height: 180,
  data: Uint8Array.from({ length: 200 * 180 * 3 }, (_, i) => (i * 31 + (i >> 7)) % 256),
};

describe.each(shipped)('shipped model %s', (name) => {
  it('matches torch on the parity inputs', async () => {
    const model = loadBlindModel(name, MODELS);
    const parity = JSON.parse(readFileSync(join(model.dir, 'parity.json'), 'utf8')) as Record<string, unknown> & { N: number; T: number; tolerance: number };
    const session = await sessions.create(model.file);
    const out = await session.run(parityFeeds(model, parity.N, parity.T));
    for (const key of ['logits', 'dense_logits', 'gen_logits']) {
      const want = (parity[key] as unknown[]).flat(3) as number[];
      const got = Array.from(out[key]!.data as Float32Array);
      expect(got).toHaveLength(want.length);
      const worst = Math.max(...got.map((g, i) => Math.abs(g - (want[i] as number))));
      expect(worst, `${key}: max |onnx − torch|`).toBeLessThan(parity.tolerance);
    }
  });

  it('gives Monte Carlo samples that vary, and repeats under the same seed', async () => {
    const run = async (seed: number) => {
      const d = await blindRegistration.create({ type: 'blind', model: name, name, samplesPerFrame: 16, window: 1, dense: true }, {
        sessions,
        seed,
        modelsDir: MODELS,
      });
      return (await d.infer({ frame, faces: [face()] })).get(1)!;
    };
    const a = await run(1);
    expect(a.uncertainty!.samples).toBe(16);
    expect(a.uncertainty!.std).toBeGreaterThan(0);
    expect(a.uncertainty!.epistemic).toBeGreaterThan(0);
    expect((await run(1)).uncertainty).toEqual(a.uncertainty);
    expect((await run(2)).uncertainty).not.toEqual(a.uncertainty);
  });
});

it('ships at least one blind model', () => {
  expect(shipped.length).toBeGreaterThan(0);
});
