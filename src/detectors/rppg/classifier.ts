import type * as ort from 'onnxruntime-node';
import { type FakeScore, type WindowInput, addMeanNoise, addSampledNoise, checkSampleCount, fakeLogits, fakeScore, windowFeeds } from '../biological/classifier-run.js';
import type { ClassifierInput } from './classifier-input.js';
import type { RppgModel } from './model.js';

/** One window to score and the seed of its dropout masks. */
export interface ScoreRequest {
  readonly input: ClassifierInput;
  readonly seed: number;
}

/** p(fake) per Monte Carlo sample (temperature-scaled) and their statistics. */
export type WindowScore = FakeScore;

/**
 * Monte Carlo dropout inference: one ONNX run scores every requested window with T samples each.
 * Each window's T masks come from its own seeded PRNG, so a window's score depends only on its
 * input and seed (not on which other windows share the batch), and runs repeat exactly.
 */
export async function scoreWindows(model: RppgModel, requests: readonly ScoreRequest[], t: number): Promise<WindowScore[]> {
  const n = requests.length;
  if (n === 0) return [];
  checkSampleCount(t);
  const feeds = windowFeeds(model, requests.map((r): WindowInput => r.input), 'classifier input');
  addSampledNoise(model, feeds, requests.map((r) => r.seed), t);
  const logits = fakeLogits(model, await model.session.run(feeds), n, t);
  return requests.map((_, i) => fakeScore(logits, i, t, model.temperature));
}

/** The deterministic mean network (all-ones masks), one sample per window: for parity checks. */
export async function meanNetworkLogits(model: RppgModel, inputs: readonly ClassifierInput[]): Promise<Float32Array> {
  const feeds = windowFeeds(model, inputs, 'classifier input');
  addMeanNoise(model, feeds, inputs.length);
  const out = await model.session.run(feeds);
  return (out[model.manifest.outputs.logits.name] as ort.Tensor).data as Float32Array;
}
