import type { BlindModel } from '../detectors/blind/manifest.js';
import { createBlindModelRunner } from '../detectors/blind/model-runner.js';
import { sampleProbabilities } from '../detectors/blind/pooling.js';
import { createPrng } from '../detectors/mc/prng.js';
import type { OnnxSession } from '../detectors/onnx/session.js';
import type { UncertaintyStats } from '../core/uncertainty.js';
import { summarizeSamples } from '../core/uncertainty.js';

/**
 * A blind model as the attack sees it, through the same manifest, ONNX session and model runner
 * (detectors/blind/model-runner.ts) the runtime uses. The attacker queries the deterministic mean
 * network (all-ones dropout masks, zero Bayesian noise) and minimises its calibrated fake logit;
 * the defender's answer is the full MC head, T samples with seeded noise, read exactly as the
 * runtime reads it (temperature per sample, then mean, entropy and mutual information).
 */
export interface AttackTarget {
  readonly model: BlindModel;
  /** Calibrated fake logit (logit / temperature) of the mean network, one per image. */
  meanLogits(batch: readonly Float32Array[]): Promise<number[]>;
  /** MC statistics of one image from T samples; the same `seed` gives the same noise. */
  mcStats(image: Float32Array, samples: number, seed: number): Promise<UncertaintyStats>;
}

export function createAttackTarget(model: BlindModel, session: OnnxSession): AttackTarget {
  const runner = createBlindModelRunner(model, session);
  const plane = 3 * model.input.size * model.input.size;

  const run = async (images: readonly Float32Array[], noise: readonly Float32Array[], t: number): Promise<Float32Array> => {
    const n = images.length;
    const data = new Float32Array(n * plane);
    images.forEach((im, i) => {
      if (im.length !== plane) throw new RangeError(`image has ${im.length} values, the model takes ${plane}`);
      data.set(im, i * plane);
    });
    const out = await runner.run(data, n, noise, t);
    return out[model.outputs.logits]?.data as Float32Array;
  };

  return {
    model,
    async meanLogits(batch) {
      if (batch.length === 0) return [];
      const logits = await run(batch, runner.noise(batch.length, 1, null), 1);
      return Array.from(logits, (l) => l / model.temperature);
    },
    async mcStats(image, samples, seed) {
      const logits = await run([image], runner.noise(1, samples, createPrng(seed)), samples);
      return summarizeSamples(sampleProbabilities(logits, 0, samples, model.temperature)) as UncertaintyStats;
    },
  };
}
