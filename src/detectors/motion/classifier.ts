import * as ort from 'onnxruntime-node';
import { createPrng, deriveSeed } from '../mc/prng.js';
import { meanNoise, sampleNoise } from '../mc/noise.js';
import { type CategoricalUncertainty, type UncertaintyStats, sigmoid, summarizeCategorical, summarizeSamples } from '../../core/uncertainty.js';
import type { MotionModel } from './model.js';

/** What the classifier sees of one window (analysis.ts) and the seed of its Monte Carlo noise. */
export interface MotionInput {
  /** rows × cols, row-major. */
  readonly map: Float32Array;
  /** MOTION_FEATURES order. */
  readonly features: Float32Array;
}

export interface MotionRequest {
  readonly input: MotionInput;
  readonly seed: number;
}

export interface MotionScore {
  /** p(fake) per Monte Carlo sample, temperature-scaled. */
  readonly samples: Float64Array;
  readonly stats: UncertaintyStats;
  /** Generator distribution over the model's classes, when the model has a generator head. */
  readonly generator: CategoricalUncertainty | null;
}

function feedsOf(model: MotionModel, inputs: readonly MotionInput[]): Record<string, ort.Tensor> {
  const n = inputs.length;
  const mapSize = model.mapRows * model.mapCols;
  const map = new Float32Array(n * mapSize);
  const features = new Float32Array(n * model.featureCount);
  inputs.forEach((x, i) => {
    if (x.map.length !== mapSize || x.features.length !== model.featureCount) {
      throw new RangeError(`motion input of ${x.map.length} + ${x.features.length} values, model takes ${mapSize} + ${model.featureCount}`);
    }
    map.set(x.map, i * mapSize);
    features.set(x.features, i * model.featureCount);
  });
  const m = model.manifest;
  return {
    [m.inputs.map.name]: new ort.Tensor('float32', map, [n, model.mapRows, model.mapCols]),
    [m.inputs.features.name]: new ort.Tensor('float32', features, [n, model.featureCount]),
  };
}

/**
 * Monte Carlo inference (dropout masks or Bayesian weight noise, as the manifest says): one ONNX
 * run scores every window with T samples each. Each window's noise comes from its own seeded
 * PRNG, so its score depends only on its input and seed.
 */
export async function scoreMotionWindows(model: MotionModel, requests: readonly MotionRequest[], t: number): Promise<MotionScore[]> {
  const n = requests.length;
  if (n === 0) return [];
  if (!(Number.isInteger(t) && t >= 1)) throw new RangeError(`samples must be a positive integer, got ${t}`);
  const feeds = feedsOf(model, requests.map((r) => r.input));
  model.noise.forEach((spec, k) => {
    const data = new Float32Array(n * t * spec.width);
    requests.forEach((r, i) => data.set(sampleNoise(spec, 1, t, createPrng(deriveSeed(r.seed, k))), i * t * spec.width));
    feeds[spec.name] = new ort.Tensor('float32', data, [n, t, spec.width]);
  });
  return runAndSummarize(model, feeds, n, t);
}

/** The deterministic mean network (mean noise), one sample per window: for parity checks. */
export async function motionMeanLogits(model: MotionModel, inputs: readonly MotionInput[]): Promise<Float32Array> {
  const feeds = feedsOf(model, inputs);
  for (const spec of model.noise) feeds[spec.name] = new ort.Tensor('float32', meanNoise(spec, inputs.length, 1), [inputs.length, 1, spec.width]);
  const out = await model.session.run(feeds);
  return (out[model.manifest.outputs.logits.name] as ort.Tensor).data as Float32Array;
}

async function runAndSummarize(model: MotionModel, feeds: Record<string, ort.Tensor>, n: number, t: number): Promise<MotionScore[]> {
  const o = model.manifest.outputs;
  const out = await model.session.run(feeds);
  const logits = out[o.logits.name] as ort.Tensor | undefined;
  if (!logits || logits.dims.length !== 2 || logits.dims[0] !== n || logits.dims[1] !== t) {
    throw new RangeError(`model output "${o.logits.name}" has shape [${logits?.dims.join(', ') ?? ''}], expected [${n}, ${t}]`);
  }
  const k = model.classes?.length ?? 0;
  const gen = o.generator ? (out[o.generator.name] as ort.Tensor | undefined) : undefined;
  if (o.generator && (!gen || gen.dims.length !== 3 || gen.dims[0] !== n || gen.dims[1] !== t || gen.dims[2] !== k)) {
    throw new RangeError(`model output "${o.generator.name}" has shape [${gen?.dims.join(', ') ?? ''}], expected [${n}, ${t}, ${k}]`);
  }
  const data = logits.data as Float32Array;
  const g = gen?.data as Float32Array | undefined;
  return Array.from({ length: n }, (_, i) => {
    const samples = new Float64Array(t);
    for (let j = 0; j < t; j++) samples[j] = sigmoid((data[i * t + j] as number) / model.temperature);
    const generator = g ? summarizeCategorical(Array.from({ length: t }, (_, j) => softmax(g, (i * t + j) * k, k))) : null;
    return { samples, stats: summarizeSamples(samples) as UncertaintyStats, generator };
  });
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
