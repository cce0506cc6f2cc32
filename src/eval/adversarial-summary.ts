import { meanOrNull } from '../core/stats.js';
import type { AdversarialReport } from './types.js';

/**
 * Before/after statistics of an attacked crop and their aggregation into the report. Pure.
 */

/** The MC head's answer on one crop (mean p(fake) and mutual information, nats). */
export interface CropAnswer {
  readonly pFake: number;
  readonly epistemic: number;
}

/** One attacked face crop. */
export interface AttackedCrop {
  readonly file: string;
  /** Analysed frame the crop comes from, and its track. */
  readonly seq: number;
  readonly trackId: number;
  readonly before: CropAnswer;
  readonly after: CropAnswer;
  /** The attacker's loss (mean-network calibrated fake logit) on the clean and the attacked crop. */
  readonly cleanScore: number;
  readonly attackedScore: number;
  readonly queries: number;
}

export interface AdversarialSetup {
  readonly detector: string;
  readonly method: string;
  readonly epsilon: number;
  /** Query budget per crop. */
  readonly queries: number;
}


/** The report over `crops`; rates are null when nothing qualifies for them. */
export function summarizeAdversarial(setup: AdversarialSetup, crops: readonly AttackedCrop[]): AdversarialReport {
  const detectedBefore = crops.filter((c) => c.before.pFake >= 0.5);
  const flipped = detectedBefore.filter((c) => c.after.pFake < 0.5);
  const rose = crops.filter((c) => c.after.epistemic > c.before.epistemic);
  return {
    detector: setup.detector,
    method: setup.method,
    epsilon: setup.epsilon,
    queries: setup.queries,
    crops: crops.length,
    clips: new Set(crops.map((c) => c.file)).size,
    meanPFakeBefore: meanOrNull(crops.map((c) => c.before.pFake)),
    meanPFakeAfter: meanOrNull(crops.map((c) => c.after.pFake)),
    detectedBefore: detectedBefore.length,
    flipRate: detectedBefore.length ? flipped.length / detectedBefore.length : null,
    meanEpistemicBefore: meanOrNull(crops.map((c) => c.before.epistemic)),
    meanEpistemicAfter: meanOrNull(crops.map((c) => c.after.epistemic)),
    epistemicRoseFraction: crops.length ? rose.length / crops.length : null,
  };
}
