import type { UncertaintyStats } from './uncertainty.js';
import { poolStats } from './uncertainty.js';

/**
 * Video-level scores and the three-way verdict. Pure functions.
 *
 * A detector's video score pools the per-face-frame statistics of its `ok` outputs (see
 * `poolStats`): between-frame disagreement shows up as epistemic uncertainty. Until the reliability
 * toolkit calibrates fusion, detectors are fused by pooling their video scores with equal weight.
 * The verdict abstains ("uncertain") when there is too little evidence, when the fused probability
 * is within `margin` of the threshold, or when epistemic uncertainty is above `maxEpistemic`.
 */
export type Verdict = 'real' | 'fake' | 'uncertain';

export interface VerdictPolicy {
  readonly decisionThreshold: number;
  readonly margin: number;
  readonly maxEpistemic: number;
  readonly minEvidenceFrames: number;
}

export interface VideoScore {
  readonly pFake: number | null;
  readonly uncertainty: UncertaintyStats | null;
  /** Face-frames with an `ok` answer. */
  readonly evidenceFrames: number;
}

export interface VerdictResult extends VideoScore {
  readonly verdict: Verdict;
  readonly reason: string;
}

export function videoScore(frameStats: readonly UncertaintyStats[]): VideoScore {
  const pooled = poolStats(frameStats);
  return { pFake: pooled?.mean ?? null, uncertainty: pooled, evidenceFrames: frameStats.length };
}

/** Equal-weight fusion of detector video scores (each detector counts once, whatever its T). */
export function fuseScores(scores: readonly VideoScore[]): VideoScore {
  const withEvidence = scores.filter((s) => s.uncertainty !== null);
  const normalised = withEvidence.map((s) => ({ ...(s.uncertainty as UncertaintyStats), samples: 1 }));
  const pooled = poolStats(normalised);
  return {
    pFake: pooled?.mean ?? null,
    uncertainty: pooled ? { ...pooled, samples: withEvidence.reduce((n, s) => n + (s.uncertainty?.samples ?? 0), 0) } : null,
    evidenceFrames: withEvidence.reduce((n, s) => Math.min(n, s.evidenceFrames), withEvidence.length ? Infinity : 0),
  };
}

export function decideVerdict(score: VideoScore, policy: VerdictPolicy): VerdictResult {
  const u = score.uncertainty;
  if (score.pFake === null || u === null) {
    return { ...score, verdict: 'uncertain', reason: 'no detector produced an answer' };
  }
  if (score.evidenceFrames < policy.minEvidenceFrames) {
    return { ...score, verdict: 'uncertain', reason: `only ${score.evidenceFrames} face-frames answered (< ${policy.minEvidenceFrames})` };
  }
  if (u.epistemic > policy.maxEpistemic) {
    return {
      ...score,
      verdict: 'uncertain',
      reason: `epistemic uncertainty ${u.epistemic.toFixed(3)} nats > ${policy.maxEpistemic}`,
    };
  }
  if (Math.abs(score.pFake - policy.decisionThreshold) < policy.margin) {
    return { ...score, verdict: 'uncertain', reason: `p(fake) ${score.pFake.toFixed(2)} within ±${policy.margin} of ${policy.decisionThreshold}` };
  }
  const verdict = score.pFake >= policy.decisionThreshold ? 'fake' : 'real';
  return { ...score, verdict, reason: `p(fake) ${score.pFake.toFixed(2)} ${verdict === 'fake' ? '≥' : '<'} ${policy.decisionThreshold}` };
}
