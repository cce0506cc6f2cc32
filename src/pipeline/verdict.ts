import type { StatsPool, UncertaintyStats } from './uncertainty.js';
import { poolStats } from './uncertainty.js';

/**
 * Video-level scores and the three-way verdict. Pure functions.
 *
 * A detector's video score pools the per-face-frame statistics of its `ok` outputs (see
 * `poolStats`): between-frame disagreement shows up as epistemic uncertainty. Detectors are fused
 * by pooling their video scores as a weighted mixture of their predictive distributions (so
 * disagreement between detectors also raises the fused epistemic part); the weights are fitted on
 * calibration data.
 * The verdict abstains ("uncertain") when there is too little evidence, when epistemic uncertainty
 * is above `maxEpistemic`, when the spread of the detectors' p(fake) is above `maxDisagreement`,
 * or when the fused probability is within `margin` of the threshold. The thresholds are fitted on
 * calibration data by `fakescope calibrate` (src/eval/policy-fit.ts).
 */
export type Verdict = 'real' | 'fake' | 'uncertain';

/**
 * Why the verdict is what it is, as a stable code (the plain-language text is built from it by the
 * report's readers): `decided` for a real/fake verdict; otherwise the first abstention rule that fired.
 */
export type VerdictWhy =
  | 'decided'
  | 'no-answer'
  | 'too-few-frames'
  | 'out-of-distribution'
  | 'disagreement'
  | 'near-threshold'
  | 'uncertain-segments';

export interface VerdictPolicy {
  readonly decisionThreshold: number;
  readonly margin: number;
  readonly maxEpistemic: number;
  /** Spread (population std) of the detectors' p(fake) above which the verdict is "uncertain". */
  readonly maxDisagreement: number;
  readonly minEvidenceFrames: number;
  /** Fusion weight per detector name (fitted on calibration data); missing names weigh 1. */
  readonly weights?: Readonly<Record<string, number>>;
}

export interface VideoScore {
  readonly pFake: number | null;
  readonly uncertainty: UncertaintyStats | null;
  /** Face-frames with an `ok` answer. */
  readonly evidenceFrames: number;
  /** Fused scores only: population std of the detectors' p(fake) (0 with one detector). */
  readonly disagreement?: number | null;
}

export interface VerdictResult extends VideoScore {
  readonly verdict: Verdict;
  readonly why: VerdictWhy;
  readonly reason: string;
}

export function videoScore(frameStats: readonly UncertaintyStats[]): VideoScore {
  const pooled = poolStats(frameStats);
  return { pFake: pooled?.mean ?? null, uncertainty: pooled, evidenceFrames: frameStats.length };
}

/** The video score of an incrementally pooled set of face-frames (see `StatsPool`). */
export function poolScore(pool: StatsPool): VideoScore {
  const uncertainty = pool.stats();
  return { pFake: uncertainty?.mean ?? null, uncertainty, evidenceFrames: pool.count };
}

/**
 * Fusion of detector video scores: a mixture of the detectors' predictive distributions, each
 * detector counting with its weight whatever its sample count (equal weights by default; fitted
 * weights come from calibration). Detectors without evidence drop out and the rest renormalise.
 * `disagreement` is the weighted population std of the detectors' p(fake).
 */
export function fuseScores(scores: readonly VideoScore[], weights?: readonly number[]): VideoScore {
  const withEvidence = scores.map((s, i) => ({ s, w: weights?.[i] ?? 1 })).filter((x) => x.s.uncertainty !== null && x.w > 0);
  const normalised = withEvidence.map(({ s, w }) => ({ ...(s.uncertainty as UncertaintyStats), samples: w }));
  const pooled = poolStats(normalised);
  return {
    pFake: pooled?.mean ?? null,
    disagreement: pooled ? spread(withEvidence.map((x) => x.s.pFake as number), withEvidence.map((x) => x.w)) : null,
    uncertainty: pooled ? { ...pooled, samples: withEvidence.reduce((n, x) => n + (x.s.uncertainty?.samples ?? 0), 0) } : null,
    evidenceFrames: withEvidence.reduce((n, x) => Math.min(n, x.s.evidenceFrames), withEvidence.length ? Infinity : 0),
  };
}

/** Fuse named detector scores with the policy's weights (missing names weigh 1) and decide. */
export function fusedVerdict(names: readonly string[], scores: readonly VideoScore[], policy: VerdictPolicy): VerdictResult {
  return decideVerdict(fuseScores(scores, names.map((n) => policy.weights?.[n] ?? 1)), policy);
}

/** (Weighted) population standard deviation; 0 for fewer than two values. */
export function spread(values: readonly number[], weights?: readonly number[]): number {
  if (values.length < 2) return 0;
  const w = values.map((_, i) => weights?.[i] ?? 1);
  const total = w.reduce((a, v) => a + v, 0);
  const m = values.reduce((a, v, i) => a + v * (w[i] as number), 0) / total;
  return Math.sqrt(values.reduce((a, v, i) => a + (w[i] as number) * (v - m) * (v - m), 0) / total);
}

export function decideVerdict(score: VideoScore, policy: VerdictPolicy): VerdictResult {
  const u = score.uncertainty;
  if (score.pFake === null || u === null) {
    return { ...score, verdict: 'uncertain', why: 'no-answer', reason: 'no detector produced an answer' };
  }
  if (score.evidenceFrames < policy.minEvidenceFrames) {
    return { ...score, verdict: 'uncertain', why: 'too-few-frames', reason: `only ${score.evidenceFrames} face-frames answered (< ${policy.minEvidenceFrames})` };
  }
  if (u.epistemic > policy.maxEpistemic) {
    return {
      ...score,
      verdict: 'uncertain',
      why: 'out-of-distribution',
      reason: `epistemic uncertainty ${u.epistemic.toFixed(3)} nats > ${policy.maxEpistemic}`,
    };
  }
  if ((score.disagreement ?? 0) > policy.maxDisagreement) {
    return {
      ...score,
      verdict: 'uncertain',
      why: 'disagreement',
      reason: `detectors disagree: spread of p(fake) ${(score.disagreement as number).toFixed(3)} > ${policy.maxDisagreement}`,
    };
  }
  if (Math.abs(score.pFake - policy.decisionThreshold) < policy.margin) {
    return { ...score, verdict: 'uncertain', why: 'near-threshold', reason: `p(fake) ${score.pFake.toFixed(2)} within ±${policy.margin} of ${policy.decisionThreshold}` };
  }
  const verdict = score.pFake >= policy.decisionThreshold ? 'fake' : 'real';
  return { ...score, verdict, why: 'decided', reason: `p(fake) ${score.pFake.toFixed(2)} ${verdict === 'fake' ? '≥' : '<'} ${policy.decisionThreshold}` };
}
