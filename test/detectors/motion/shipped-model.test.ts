/**
 * The shipped motion classifiers (models/motion: MC dropout; models/motion-bnn: Bayesian): the
 * manifests match the runtime, the ONNX graphs compute what torch computed (parity.json), Monte
 * Carlo noise actually changes the output (the sampling survived export and graph optimisation),
 * the generator head is a distribution over the named classes, and seeded runs repeat.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { type MotionInput, motionMeanLogits, scoreMotionWindows } from '../../../src/detectors/motion/classifier.js';
import { type MotionModel, loadMotionModel } from '../../../src/detectors/motion/model.js';
import { createOnnxSessionFactory } from '../../../src/detectors/onnx/session.js';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
afterAll(() => sessions.releaseAll());

interface Parity {
  N: number;
  T: number;
  rate: number;
  noise: 'mask' | 'normal-grid';
  tolerance: number;
  logits: number[][];
}

function input(model: MotionModel, seed: number): MotionInput {
  const map = Float32Array.from({ length: model.mapRows * model.mapCols }, (_, i) => -2 + Math.sin(0.3 * i + seed) * 1.5);
  const features = Float32Array.from({ length: model.featureCount }, (_, i) => ((seed + i) % 5) / 5 - 1);
  return { map, features };
}

describe.each(['motion', 'motion-bnn'])('shipped model %s', (name) => {
  const load = () => loadMotionModel(join(MODELS, name, 'manifest.json'), sessions);

  it('is small, calibrated, and has a generator head', async () => {
    const model = await load();
    expect(model.manifest.bytes).toBeLessThan(1024 * 1024);
    expect(model.temperature).toBeGreaterThan(0);
    expect(model.classes?.[0]).toBe('real');
    expect(model.classes?.length).toBeGreaterThan(2);
  });

  it("computes torch's outputs for the parity inputs", async () => {
    const model = await load();
    const p = JSON.parse(readFileSync(join(MODELS, name, 'parity.json'), 'utf8')) as Parity;
    const size = model.mapRows * model.mapCols;
    const width = model.noise[0]?.width as number;
    const map = Float32Array.from({ length: p.N * size }, (_, i) => ((i * 7919) % 1000) / 500 - 1);
    const features = Float32Array.from({ length: p.N * model.featureCount }, (_, i) => ((i * 7919) % 2001) / 1000 - 1);
    const noise = Float32Array.from({ length: p.N * p.T * width }, (_, i) =>
      p.noise === 'mask' ? ((i * 104729) % 5 === 0 ? 0 : 1 / (1 - p.rate)) : ((i * 104729) % 7) / 3 - 1,
    );
    const m = model.manifest;
    const out = await model.session.run({
      [m.inputs.map.name]: new ort.Tensor('float32', map, [p.N, model.mapRows, model.mapCols]),
      [m.inputs.features.name]: new ort.Tensor('float32', features, [p.N, model.featureCount]),
      [m.mc.inputs[0]?.name as string]: new ort.Tensor('float32', noise, [p.N, p.T, width]),
    });
    const logits = (out[m.outputs.logits.name] as ort.Tensor).data as Float32Array;
    p.logits.flat().forEach((want, i) => expect(Math.abs((logits[i] as number) - want)).toBeLessThanOrEqual(p.tolerance));
  });

  it('MC samples differ, the generator distribution sums to 1, seeded runs repeat', async () => {
    const model = await load();
    const [a] = await scoreMotionWindows(model, [{ input: input(model, 1), seed: 5 }], 32);
    const [b] = await scoreMotionWindows(model, [{ input: input(model, 1), seed: 5 }], 32);
    expect(new Set(Array.from(a?.samples ?? [], (v) => v.toFixed(6))).size).toBeGreaterThan(8);
    expect(a?.stats.epistemic).toBeGreaterThan(0);
    expect(a?.generator?.mean.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    expect(Array.from(b?.samples ?? [])).toEqual(Array.from(a?.samples ?? []));
    const mean = await motionMeanLogits(model, [input(model, 2), input(model, 2)]);
    expect(mean[0]).toBe(mean[1]);
  });
});
