import type * as ort from 'onnxruntime-node';
import { type CategoricalUncertainty, summarizeCategorical } from '../../core/uncertainty.js';
import { type FakeScore, type WindowInput, addMeanNoise, addSampledNoise, checkSampleCount, fakeLogits, fakeScore, windowFeeds } from '../biological/classifier-run.js';
import type { MotionModel } from './model.js';

/** What the classifier sees of one window (analysis.ts): the map and the MOTION_FEATURES. */
export type MotionInput = WindowInput;

export interface MotionRequest {
  readonly input: MotionInput;
  readonly seed: number;
}

export interface MotionScore extends FakeScore {
  /** Generator distribution over the model's classes, when the model has a generator head. */
  readonly generator: CategoricalUncertainty | null;
}

/**
 * Monte Carlo inference (dropout masks or Bayesian weight noise, as the manifest says): one ONNX
 * run scores every window with T samples each. Each window's noise comes from its own seeded
 * PRNG, so its score depends only on its input and seed.
 */
export async function scoreMotionWindows(model: MotionModel, requests: readonly MotionRequest[], t: number): Promise<MotionScore[]> {
  const n = requests.length;
  if (n === 0) return [];
  checkSampleCount(t);
  const feeds = windowFeeds(model, requests.map((r) => r.input), 'motion input');
  addSampledNoise(model, feeds, requests.map((r) => r.seed), t);
  const out = await model.session.run(feeds);
  const logits = fakeLogits(model, out, n, t);
  const generator = generatorProbabilities(model, out, n, t);
  return Array.from({ length: n }, (_, i) => ({ ...fakeScore(logits, i, t, model.temperature), generator: generator?.(i) ?? null }));
}

/** The deterministic mean network (mean noise), one sample per window: for parity checks. */
export async function motionMeanLogits(model: MotionModel, inputs: readonly MotionInput[]): Promise<Float32Array> {
  const feeds = windowFeeds(model, inputs, 'motion input');
  addMeanNoise(model, feeds, inputs.length);
  const out = await model.session.run(feeds);
  return (out[model.manifest.outputs.logits.name] as ort.Tensor).data as Float32Array;
}

/** Window i's generator distribution over the MC samples, or null for a model without a generator head. */
function generatorProbabilities(model: MotionModel, out: ort.InferenceSession.ReturnType, n: number, t: number): ((i: number) => CategoricalUncertainty | null) | null {
  const o = model.manifest.outputs;
  if (!o.generator) return null;
  const k = model.classes?.length ?? 0;
  const gen = out[o.generator.name] as ort.Tensor | undefined;
  if (!gen || gen.dims.length !== 3 || gen.dims[0] !== n || gen.dims[1] !== t || gen.dims[2] !== k) {
    throw new RangeError(`model output "${o.generator.name}" has shape [${gen?.dims.join(', ') ?? ''}], expected [${n}, ${t}, ${k}]`);
  }
  const g = gen.data as Float32Array;
  return (i) => summarizeCategorical(Array.from({ length: t }, (_, j) => softmax(g, (i * t + j) * k, k)));
}

function softmax(z: Float32Array, offset: number, k: number): Float64Array {
  let m = -Infinity;
  for (let c = 0; c < k; c++) m = Math.max(m, z[offset + c] as number);
  const p = new Float64Array(k);
  let s = 0;
  for (let c = 0; c < k; c++) s += p[c] = Math.exp((z[offset + c] as number) - m);
  for (let c = 0; c < k; c++) p[c] = (p[c] as number) / s;
  return p;
}
