import * as ort from 'onnxruntime-node';
import { createPrng, deriveSeed } from '../mc/prng.js';
import { meanNoise, sampleNoise } from '../mc/noise.js';
import { type UncertaintyStats, sigmoid, summarizeSamples } from '../../core/uncertainty.js';
import type { ClassifierInput } from './classifier-input.js';
import type { RppgModel } from './model.js';

/** One window to score and the seed of its dropout masks. */
export interface ScoreRequest {
  readonly input: ClassifierInput;
  readonly seed: number;
}

export interface WindowScore {
  /** p(fake) per Monte Carlo sample, temperature-scaled. */
  readonly samples: Float64Array;
  readonly stats: UncertaintyStats;
}

/**
 * Monte Carlo dropout inference: one ONNX run scores every requested window with T samples each.
 * Each window's T masks come from its own seeded PRNG, so a window's score depends only on its
 * input and seed (not on which other windows share the batch), and runs repeat exactly.
 */
export async function scoreWindows(model: RppgModel, requests: readonly ScoreRequest[], t: number): Promise<WindowScore[]> {
  const n = requests.length;
  if (n === 0) return [];
  if (!(Number.isInteger(t) && t >= 1)) throw new RangeError(`samples must be a positive integer, got ${t}`);
  const mapSize = model.mapRows * model.mapCols;
  const map = new Float32Array(n * mapSize);
  const features = new Float32Array(n * model.featureCount);
  requests.forEach((r, i) => {
    if (r.input.map.length !== mapSize || r.input.features.length !== model.featureCount) {
      throw new RangeError(`classifier input of ${r.input.map.length} + ${r.input.features.length} values, model takes ${mapSize} + ${model.featureCount}`);
    }
    map.set(r.input.map, i * mapSize);
    features.set(r.input.features, i * model.featureCount);
  });
  const m = model.manifest;
  const feeds: Record<string, ort.Tensor> = {
    [m.inputs.map.name]: new ort.Tensor('float32', map, [n, model.mapRows, model.mapCols]),
    [m.inputs.features.name]: new ort.Tensor('float32', features, [n, model.featureCount]),
  };
  model.noise.forEach((spec, k) => {
    const data = new Float32Array(n * t * spec.width);
    requests.forEach((r, i) => {
      // One stream per (window, noise input): adding a noise input leaves the others unchanged.
      const rng = createPrng(deriveSeed(r.seed, k));
      data.set(sampleNoise(spec, 1, t, rng), i * t * spec.width);
    });
    feeds[spec.name] = new ort.Tensor('float32', data, [n, t, spec.width]);
  });
  return runAndSummarize(model, feeds, n, t);
}

/** The deterministic mean network (all-ones masks), one sample per window: for parity checks. */
export async function meanNetworkLogits(model: RppgModel, inputs: readonly ClassifierInput[]): Promise<Float32Array> {
  const n = inputs.length;
  const m = model.manifest;
  const map = new Float32Array(n * model.mapRows * model.mapCols);
  const features = new Float32Array(n * model.featureCount);
  inputs.forEach((x, i) => {
    map.set(x.map, i * model.mapRows * model.mapCols);
    features.set(x.features, i * model.featureCount);
  });
  const feeds: Record<string, ort.Tensor> = {
    [m.inputs.map.name]: new ort.Tensor('float32', map, [n, model.mapRows, model.mapCols]),
    [m.inputs.features.name]: new ort.Tensor('float32', features, [n, model.featureCount]),
  };
  for (const spec of model.noise) feeds[spec.name] = new ort.Tensor('float32', meanNoise(spec, n, 1), [n, 1, spec.width]);
  const out = await model.session.run(feeds);
  return (out[m.outputs.logits.name] as ort.Tensor).data as Float32Array;
}

async function runAndSummarize(model: RppgModel, feeds: Record<string, ort.Tensor>, n: number, t: number): Promise<WindowScore[]> {
  const name = model.manifest.outputs.logits.name;
  const out = await model.session.run(feeds);
  const logits = out[name] as ort.Tensor | undefined;
  if (!logits || logits.dims.length !== 2 || logits.dims[0] !== n || logits.dims[1] !== t) {
    throw new RangeError(`model output "${name}" has shape [${logits?.dims.join(', ') ?? ''}], expected [${n}, ${t}]`);
  }
  const data = logits.data as Float32Array;
  const scores: WindowScore[] = [];
  for (let i = 0; i < n; i++) {
    const samples = new Float64Array(t);
    for (let j = 0; j < t; j++) samples[j] = sigmoid((data[i * t + j] as number) / model.temperature);
    scores.push({ samples, stats: summarizeSamples(samples) as UncertaintyStats });
  }
  return scores;
}
