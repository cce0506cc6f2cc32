import type { FaceResultMapInput } from './types.js';
import type { OnnxSession } from '../onnx/session.js';
import type { Detector, DetectorContext, DetectorOutput, UncertaintyMap } from '../contract.js';
import { createPrng, deriveSeed } from '../mc/prng.js';
import { alignmentTransform as alignment, landmarksInCrop } from '../../core/align.js';
import type { UncertaintyStats } from '../../core/uncertainty.js';
import { withDistance } from '../../core/uncertainty.js';
import { featureDistance } from './density.js';
import type { BlindModel } from './manifest.js';
import { createBlindModelRunner } from './model-runner.js';
import { denseProbabilities, pooledCategorical, pooledCellStats, pooledRegionStats, pooledStats, sampleProbabilities, softmaxSamples } from './pooling.js';
import { writeAlignedInput } from './preprocess.js';
import { BLIND_REGIONS, regionCells } from './regions.js';
import { TemporalPool } from './temporal-pool.js';

export interface BlindDetectorOptions {
  readonly name: string;
  /** k: MC samples drawn per face per frame. */
  readonly samplesPerFrame: number;
  /** W: frames of a track whose samples are pooled (T_eff = k·W). */
  readonly window: number;
  /** Compute the dense map and region statistics (costs a little post-processing). */
  readonly dense: boolean;
}

/**
 * A blind CNN detector with Monte Carlo uncertainty. Per frame, all faces go through the model in
 * one ONNX call with k noise samples each (the backbone runs once per face; only the heads see the
 * samples). Each track pools the samples of its last W frames (temporal MC sampling), so every
 * output states its T_eff. Noise comes from a PRNG seeded by (seed, detector name, frame seq): an
 * analysis repeats exactly, and a frame's noise does not depend on what came before it.
 */
export function createBlindDetector(model: BlindModel, session: OnnxSession, ctx: DetectorContext, o: BlindDetectorOptions): Detector {
  const runner = createBlindModelRunner(model, session);
  const s = model.input.size;
  const scratch = new Uint8Array(s * s * 3);
  const scores = new TemporalPool(o.window);
  const dense = new TemporalPool(o.window);
  const gen = new TemporalPool(o.window);
  const cells = model.outputs.dense ? model.outputs.dense.h * model.outputs.dense.w : 0;

  const run = async (input: FaceResultMapInput, k: number, deterministic: boolean) => {
    const n = input.faces.length;
    const image = new Float32Array(n * 3 * s * s);
    input.faces.forEach((f, i) => writeAlignedInput(input.frame, f.landmarks, model.input, image, i, scratch));
    // Not keyed by stream id: the same clip gives the same answer from the CLI and the server.
    const rng = createPrng(deriveSeed(ctx.seed, o.name, input.frame.seq));
    return runner.run(image, n, runner.noise(n, k, deterministic ? null : rng), k, { handOver: true }); // every input array is fresh per call
  };

  return {
    name: o.name,
    family: 'blind',
    async warmup() {
      const frame = { streamId: 'warmup', seq: 0, ptsMs: 0, width: s, height: s, data: new Uint8Array(s * s * 3) };
      const c = s / 2;
      const p = (x: number, y: number) => ({ x, y });
      const landmarks = { leftEye: p(0.32 * s, 0.4 * s), rightEye: p(0.68 * s, 0.4 * s), noseTip: p(c, 0.55 * s), mouth: p(c, 0.75 * s), leftEar: p(0.1 * s, c), rightEar: p(0.9 * s, c) };
      await run({ frame, faces: [{ trackId: 0, landmarks }] }, o.samplesPerFrame, false);
    },
    async infer(input) {
      const out = new Map<number, DetectorOutput>();
      if (input.faces.length === 0) return out;
      const k = o.samplesPerFrame;
      const result = await run(input, k, false);
      const logits = result[model.outputs.logits]?.data as Float32Array;
      const denseOut = model.outputs.dense ? (result[model.outputs.dense.name]?.data as Float32Array) : null;
      const genOut = model.outputs.gen ? (result[model.outputs.gen.name]?.data as Float32Array) : null;
      const featOut = model.outputs.features && model.density ? (result[model.outputs.features.name]?.data as Float32Array) : null;
      input.faces.forEach((face, i) => {
        const pooled = scores.push(face.trackId, sampleProbabilities(logits, i, k, model.temperature));
        const mc = pooledStats(pooled) as UncertaintyStats;
        // This face-frame's distance from the training data (its own feature, not pooled).
        const dim = model.outputs.features?.dim ?? 0;
        const distance = featOut && model.density ? featureDistance(model.density, featOut.subarray(i * dim, (i + 1) * dim)) : null;
        const stats = distance === null ? mc : withDistance(mc, distance);
        let map: UncertaintyMap | undefined;
        let regions: Record<string, UncertaintyStats> | undefined;
        if (denseOut && model.outputs.dense && o.dense) {
          const blocks = dense.push(face.trackId, denseProbabilities(denseOut, i, k, cells));
          const perCell = pooledCellStats(blocks, cells);
          const { w, h } = model.outputs.dense;
          map = {
            gridW: w,
            gridH: h,
            cropSize: s,
            pFake: perCell.map((c) => round4(c?.mean ?? 0)),
            epistemic: perCell.map((c) => round4(c?.epistemic ?? 0)),
          };
          const inCrop = landmarksInCrop(face.landmarks, alignment(face.landmarks, s));
          const byRegion = regionCells(inCrop, s, w, h);
          regions = {};
          for (const r of BLIND_REGIONS) {
            const st = pooledRegionStats(blocks, cells, byRegion[r]);
            if (st) regions[r] = st;
          }
        }
        let attribution: DetectorOutput['attribution'];
        if (genOut && model.outputs.gen) {
          const classes = model.outputs.gen.classes;
          const cat = pooledCategorical(gen.push(face.trackId, softmaxSamples(genOut, i, k, classes.length)), classes.length);
          if (cat) {
            const top = cat.mean.indexOf(Math.max(...cat.mean));
            attribution = { classes, probabilities: cat.mean.map(round4), top: classes[top] as string, entropy: cat.entropy, epistemic: cat.epistemic };
          }
        }
        out.set(face.trackId, {
          state: 'ok',
          pFake: stats.mean,
          uncertainty: stats,
          measurements: { tEff: stats.samples, samplesPerFrame: k, pooledFrames: pooled.length, ...(distance === null ? {} : { distance: round4(distance) }) },
          ...(regions ? { regions } : {}),
          ...(map ? { map } : {}),
          ...(attribution ? { attribution } : {}),
        });
      });
      return out;
    },
    endTrack(trackId) {
      scores.end(trackId);
      dense.end(trackId);
      gen.end(trackId);
    },
    async dispose() {
      // The session belongs to the session factory (shared between analyses).
    },
  };
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
