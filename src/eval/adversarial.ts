import { NEVER, fromEvent, lastValueFrom, takeUntil, takeWhile } from 'rxjs';
import type { Config } from '../config/schema.js';
import { loadBlindModel } from '../detectors/blind/manifest.js';
import { writeAlignedInput } from '../detectors/blind/preprocess.js';
import type { FaceDetector } from '../detectors/contract.js';
import { deriveSeed } from '../detectors/mc/prng.js';
import type { OnnxSessionFactory } from '../detectors/onnx/session.js';
import { FakescopeError, describeError } from '../errors.js';
import { openSource, pullFrames } from '../ingest/index.js';
import { FaceStage } from '../pipeline/face-stage.js';
import type { AttackTarget } from './adversarial-target.js';
import { createAttackTarget } from './adversarial-target.js';
import type { AttackedCrop } from './adversarial-summary.js';
import { summarizeAdversarial } from './adversarial-summary.js';
import { squareAttack } from './square-attack.js';
import type { AdversarialReport } from './types.js';

/**
 * The adversarial part of `fakescope eval`: Square Attack (L∞, score-based black box) on the face
 * crops of fake clips, through ONNX Runtime. Crops are the ones the blind detector sees at run
 * time: frames decoded at the analysis size, faces found by the face stage (same detector and
 * thresholds, a fresh detection on every sampled frame), faces under `minFaceSize` skipped, and
 * the landmark-aligned, normalised input written by the detector's own `writeAlignedInput`. The
 * attacker minimises the mean network's fake logit; before and after, the full MC head answers
 * with the same seeded noise, so the two answers differ only by the perturbation.
 */

export const ADVERSARIAL_METHOD = 'square-attack-linf (mean-network fake logit)';

export interface AdversarialOptions {
  /** Fake clips to attack. */
  readonly files: readonly string[];
  readonly sessions: OnnxSessionFactory;
  readonly faceDetector: FaceDetector;
  readonly config: Pick<Config, 'seed' | 'analysis' | 'faces'>;
  /** Root folder that relative model names resolve against (the package's models/). */
  readonly modelsDir: string;
  /** Blind model (default: the shipped default, blind-faceres-sbi-mcd). */
  readonly model?: string;
  /** L∞ radius in pixel units / 255 (default 4/255). */
  readonly epsilon?: number;
  /** Scorer queries per crop (default 200). */
  readonly queries?: number;
  /** Square Attack's initial square fraction (default 0.05, the paper's L∞ value). */
  readonly pInit?: number;
  /** T: MC samples of the before/after answers (default the model's recommended number). */
  readonly samples?: number;
  /** Every Nth analysed frame is a candidate (default 10). */
  readonly frameEvery?: number;
  /** At most this many crops per clip (default 4). */
  readonly cropsPerClip?: number;
  readonly signal?: AbortSignal;
  /** Clips skipped (no face, unreadable), for the report's notes. */
  readonly onNote?: (note: string) => void;
  readonly onCrop?: (crop: AttackedCrop) => void;
}

/** A clean crop ready for the model, and where it comes from. */
interface Crop {
  readonly seq: number;
  readonly trackId: number;
  readonly image: Float32Array;
}

/** Attacks the crops of every clip in turn; a clip that cannot be read is skipped with a note. */
export async function runAdversarial(o: AdversarialOptions): Promise<AdversarialReport> {
  const whole = (v: number | undefined, min: number) => v === undefined || (Number.isInteger(v) && v >= min);
  if (!whole(o.frameEvery, 1) || !whole(o.cropsPerClip, 0) || !whole(o.samples, 1)) {
    throw new FakescopeError('E_USAGE', 'adversarial: frameEvery and samples must be integers ≥ 1, cropsPerClip an integer ≥ 0');
  }
  const model = loadBlindModel(o.model ?? 'blind-faceres-sbi-mcd', o.modelsDir);
  const target = createAttackTarget(model, await o.sessions.create(model.file));
  const epsilon = o.epsilon ?? 4 / 255;
  const queries = o.queries ?? 200;
  const setup = { detector: model.name, method: ADVERSARIAL_METHOD, epsilon, queries };
  const attacked: AttackedCrop[] = [];
  for (const [clipIndex, file] of o.files.entries()) {
    if (o.signal?.aborted) throw stopped();
    let crops: Crop[];
    try {
      crops = await collectCrops(file, o, target);
    } catch (e) {
      if (o.signal?.aborted) throw stopped();
      o.onNote?.(`adversarial: skipped ${file}: ${describeError(e)}`);
      continue;
    }
    if (crops.length === 0) o.onNote?.(`adversarial: no face of at least ${o.config.faces.minFaceSize} px in ${file}`);
    for (const [cropIndex, crop] of crops.entries()) {
      if (o.signal?.aborted) throw stopped();
      const result = await attackCrop(file, crop, target, { ...o, epsilon, queries }, deriveSeed(o.config.seed, 'adversarial', clipIndex, cropIndex));
      attacked.push(result);
      o.onCrop?.(result);
    }
  }
  return summarizeAdversarial(setup, attacked);
}

const stopped = () => new FakescopeError('E_STOPPED', 'adversarial evaluation stopped');

async function attackCrop(
  file: string,
  crop: Crop,
  target: AttackTarget,
  o: AdversarialOptions & { readonly epsilon: number; readonly queries: number },
  seed: number,
): Promise<AttackedCrop> {
  const samples = o.samples ?? target.model.recommendedSamples;
  const noiseSeed = deriveSeed(seed, 'mc');
  const s = target.model.input.size;
  const attack = await squareAttack(crop.image, (batch) => target.meanLogits(batch), {
    shape: { channels: 3, height: s, width: s },
    normalisation: target.model.input,
    epsilon: o.epsilon,
    queries: o.queries,
    seed: deriveSeed(seed, 'square'),
    ...(o.pInit !== undefined ? { pInit: o.pInit } : {}),
  });
  const before = await target.mcStats(crop.image, samples, noiseSeed);
  const after = await target.mcStats(attack.adversarial, samples, noiseSeed);
  return {
    file,
    seq: crop.seq,
    trackId: crop.trackId,
    before: { pFake: before.mean, epistemic: before.epistemic },
    after: { pFake: after.mean, epistemic: after.epistemic },
    cleanScore: attack.cleanScore,
    attackedScore: attack.score,
    queries: attack.queries,
  };
}

/** Up to `cropsPerClip` aligned crops from every `frameEvery`-th analysed frame of `file`. */
async function collectCrops(file: string, o: AdversarialOptions, target: AttackTarget): Promise<Crop[]> {
  const every = o.frameEvery ?? 10;
  const limit = o.cropsPerClip ?? 4;
  const { analysis, faces } = o.config;
  const source = await openSource(file, {
    streamId: 'adversarial',
    analysisWidth: analysis.width,
    ...(analysis.fps !== null ? { fps: analysis.fps } : {}),
  });
  // Sampled frames are far apart: detect on each of them rather than trusting the tracker's motion model.
  const stage = new FaceStage(o.faceDetector, { ...faces, detectEvery: 1 });
  const s = target.model.input.size;
  const scratch = new Uint8Array(s * s * 3);
  const crops: Crop[] = [];
  const frames = pullFrames(source, async (frame) => {
    if (frame.seq % every !== 0) return;
    const found = await stage.process(frame);
    for (const face of found.faces) {
      if (crops.length >= limit) break;
      if (face.source !== 'detected' || Math.min(face.box.w, face.box.h) < faces.minFaceSize) continue;
      const image = new Float32Array(3 * s * s);
      writeAlignedInput(frame, face.landmarks, target.model.input, image, 0, scratch);
      crops.push({ seq: frame.seq, trackId: face.trackId, image });
    }
  });
  const abort = o.signal ? fromEvent(o.signal, 'abort') : NEVER;
  await lastValueFrom(frames.pipe(takeWhile(() => crops.length < limit), takeUntil(abort)), { defaultValue: undefined });
  if (o.signal?.aborted) throw stopped();
  return crops;
}
