import * as ort from 'onnxruntime-node';
import { type UncertaintyStats, sigmoid, summarizeSamples } from '../../core/uncertainty.js';
import { meanNoise, sampleNoise } from '../mc/noise.js';
import { createPrng, deriveSeed } from '../mc/prng.js';
import type { ClassifierManifest, ClassifierModel } from './classifier-model.js';

/**
 * Running a biological-signal classifier (classifier-model.ts): one ONNX call scores a batch of
 * windows with T Monte Carlo samples each. Each window's noise comes from its own seeded PRNG, one
 * stream per noise input, so its score depends only on its input and seed (not on which other
 * windows share the batch, nor on other noise inputs), and runs repeat exactly.
 */

/** What the classifier sees of one window: its map (rows × cols, row-major) and features. */
export interface WindowInput {
  readonly map: Float32Array;
  readonly features: Float32Array;
}

/** One window's fake score: p(fake) per Monte Carlo sample (temperature-scaled) and their statistics. */
export interface FakeScore {
  readonly samples: Float64Array;
  readonly stats: UncertaintyStats;
}

type Model = ClassifierModel<ClassifierManifest>;

/** Refuses a sample count T that is not a positive integer. */
export function checkSampleCount(t: number): void {
  if (!(Number.isInteger(t) && t >= 1)) throw new RangeError(`samples must be a positive integer, got ${t}`);
}

/** The map and features tensors of a batch; `what` names the input in the size error. */
export function windowFeeds(model: Model, inputs: readonly WindowInput[], what: string): Record<string, ort.Tensor> {
  const n = inputs.length;
  const mapSize = model.mapRows * model.mapCols;
  const map = new Float32Array(n * mapSize);
  const features = new Float32Array(n * model.featureCount);
  inputs.forEach((x, i) => {
    if (x.map.length !== mapSize || x.features.length !== model.featureCount) {
      throw new RangeError(`${what} of ${x.map.length} + ${x.features.length} values, model takes ${mapSize} + ${model.featureCount}`);
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

/** Adds T samples of every noise input per window, window i's from its seed `seeds[i]`. */
export function addSampledNoise(model: Model, feeds: Record<string, ort.Tensor>, seeds: readonly number[], t: number): void {
  const n = seeds.length;
  model.noise.forEach((spec, k) => {
    const data = new Float32Array(n * t * spec.width);
    seeds.forEach((seed, i) => data.set(sampleNoise(spec, 1, t, createPrng(deriveSeed(seed, k))), i * t * spec.width));
    feeds[spec.name] = new ort.Tensor('float32', data, [n, t, spec.width]);
  });
}

/** Adds the mean noise (the deterministic mean network), one sample per window. */
export function addMeanNoise(model: Model, feeds: Record<string, ort.Tensor>, n: number): void {
  for (const spec of model.noise) feeds[spec.name] = new ort.Tensor('float32', meanNoise(spec, n, 1), [n, 1, spec.width]);
}

/** The fake logits [n, t] of a run's outputs; a RangeError when the model answered another shape. */
export function fakeLogits(model: Model, out: ort.InferenceSession.ReturnType, n: number, t: number): Float32Array {
  const name = model.manifest.outputs.logits.name;
  const logits = out[name] as ort.Tensor | undefined;
  if (!logits || logits.dims.length !== 2 || logits.dims[0] !== n || logits.dims[1] !== t) {
    throw new RangeError(`model output "${name}" has shape [${logits?.dims.join(', ') ?? ''}], expected [${n}, ${t}]`);
  }
  return logits.data as Float32Array;
}

/** Window i's samples of `logits` [n, t] as temperature-scaled p(fake) and their statistics. */
export function fakeScore(logits: Float32Array, i: number, t: number, temperature: number): FakeScore {
  const samples = new Float64Array(t);
  for (let j = 0; j < t; j++) samples[j] = sigmoid((logits[i * t + j] as number) / temperature);
  return { samples, stats: summarizeSamples(samples) as UncertaintyStats };
}
