import * as ort from 'onnxruntime-node';
import { meanNoise, sampleNoise } from '../mc/noise.js';
import type { Prng } from '../mc/prng.js';
import type { OnnxSession, RunInputOptions } from '../onnx/session.js';
import type { BlindModel } from './manifest.js';
import { checkSessionMatches } from './manifest.js';

/**
 * One call of a blind model, made the same way by the detector and by eval's attack: n normalised
 * NCHW images of the manifest's input size, and for each of the manifest's noise inputs an
 * [n, t, width] tensor, so the backbone runs once per image and the heads see t MC samples.
 */
export interface BlindModelRunner {
  readonly model: BlindModel;
  /**
   * Noise for n images × t samples, one array per noise input in manifest order: drawn from `rng`
   * (input after input), or the deterministic mean network's when `rng` is null.
   */
  noise(n: number, t: number, rng: Prng | null): Float32Array[];
  /** Runs n images (n·3·size² values) with `noise` from `noise(n, t, …)`; resolves to the model's outputs. */
  run(images: Float32Array, n: number, noise: readonly Float32Array[], t: number, options?: RunInputOptions): Promise<ort.InferenceSession.ReturnType>;
}

/** Checks that `session` is the model its manifest describes, and returns its runner. */
export function createBlindModelRunner(model: BlindModel, session: OnnxSession): BlindModelRunner {
  checkSessionMatches(model, session.inputNames, session.outputNames);
  const s = model.input.size;
  return {
    model,
    noise: (n, t, rng) => model.noise.map((spec) => (rng ? sampleNoise(spec, n, t, rng) : meanNoise(spec, n, t))),
    run(images, n, noise, t, options) {
      const feeds: Record<string, ort.Tensor> = { [model.input.name]: new ort.Tensor('float32', images, [n, 3, s, s]) };
      model.noise.forEach((spec, k) => {
        feeds[spec.name] = new ort.Tensor('float32', noise[k] as Float32Array, [n, t, spec.width]);
      });
      return session.run(feeds, options);
    },
  };
}
