import type { PlattMap } from '../core/platt.js';
import { type FusedCalibration, mapFor, mapProbability } from '../core/platt.js';
import type { StatsPool, UncertaintyStats } from '../core/uncertainty.js';
import { poolStats } from '../core/uncertainty.js';

/**
 * Video-level scores and the three-way verdict. Pure functions.
 *
 * A detector's video score pools the per-face-frame statistics of its `ok` outputs (see
 * `poolStats`): between-frame disagreement shows up as epistemic uncertainty. Detectors are fused
 * by pooling their video scores as a weighted mixture of their predictive distributions (so
 * disagreement between detectors also raises the fused epistemic part); the weights are fitted on
 * calibration data, and so is the Platt map (`calibration`) that turns the mixture's mean into the
 * fused p(fake) the verdict reads.
 * The verdict abstains ("uncertain") when there is too little evidence, when epistemic uncertainty
 * is above `maxEpistemic`, when the spread of the detectors' p(fake) is above `maxDisagreement`,
 * when the fused probability is within `margin` of the threshold, or when it does not make the
 * verdict at least `minConfidence` likely to be right. The thresholds are fitted on calibration
 * data by `fakescope calibrate` (src/eval/policy-fit.ts); `minConfidence` is the user's floor
 * (configuration), which the fit respects.
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
  | 'not-confident'
  | 'uncertain-segments';

export interface VerdictPolicy {
  readonly decisionThreshold: number;
  readonly margin: number;
  readonly maxEpistemic: number;
  /** Spread (population std) of the detectors' p(fake) above which the verdict is "uncertain". */
  readonly maxDisagreement: number;
  readonly minEvidenceFrames: number;
  /** Fraction of the face time under epistemic-spike alerts above which a verdict is "uncertain" (default 0.5). */
  readonly maxUncertainCoverage?: number;
  /** Fusion weight per detector name (fitted on calibration data); missing names weigh 1. */
  readonly weights?: Readonly<Record<string, number>>;
  /**
   * The probability a decided verdict must have of being right, read off the calibrated fused
   * p(fake): "fake" needs p(fake) ≥ minConfidence, "real" needs p(fake) ≤ 1 − minConfidence
   * (`decidedConfidence`). Below it the verdict is "uncertain" (`not-confident`). 0.5, or absent, turns the rule off.
   */
  readonly minConfidence?: number;
  /**
   * Platt map of the fused p(fake), fitted on real deepfakes by `fakescope calibrate`: the fused
   * score's `pFake` is σ(a · logit(mixture mean) + b); its `uncertainty` stays the mixture's (so
   * `uncertainty.mean` is the uncalibrated mean). Absent: the mixture mean is used as it is.
   * `subsets`: maps for mixtures of only some of the weighted detectors (`mapFor`).
   */
  readonly calibration?: FusedCalibration;
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

/**
 * The fusion weight of each named detector under a policy's fitted weights. A detector the policy
 * was not fitted with counts 0 when some of the others were fitted: its reliability on this policy's
 * terms is unknown, and counting it fully would let an unvetted detector move, or split, the
 * verdict. When none of them is in the fitted weights (or there are none), every detector counts 1.
 */
export function effectiveWeights(weights: Readonly<Record<string, number>> | undefined, names: readonly string[]): Record<string, number> {
  const fitted = fittedFor(weights, names);
  return Object.fromEntries(names.map((n) => [n, fitted ? (weights?.[n] ?? 0) : 1]));
}

/** Whether the policy's fitted weights name any of these detectors (then they decide who counts). */
function fittedFor(weights: Readonly<Record<string, number>> | undefined, names: readonly string[]): boolean {
  return weights !== undefined && names.some((n) => weights[n] !== undefined);
}

/** The named detectors that the policy's fitted weights leave out, and so do not count (`effectiveWeights`). */
export function unweightedDetectors(weights: Readonly<Record<string, number>> | undefined, names: readonly string[]): string[] {
  return fittedFor(weights, names) ? names.filter((n) => weights?.[n] === undefined) : [];
}

/** Fuse named detector scores with the policy's weights (`effectiveWeights`), map them (`calibrated`) and decide. */
export function fusedVerdict(names: readonly string[], scores: readonly VideoScore[], policy: VerdictPolicy): VerdictResult {
  const w = effectiveWeights(policy.weights, names);
  const present = names.filter((n, i) => (w[n] as number) > 0 && (scores[i]?.uncertainty ?? null) !== null);
  return decideVerdict(calibrated(fuseScores(scores, names.map((n) => w[n] as number)), mapFor(policy.calibration, present)), policy);
}

/** A fused score with its p(fake) through the policy's Platt map (unchanged without one). */
export function calibrated(score: VideoScore, map: PlattMap | undefined): VideoScore {
  return map && score.pFake !== null ? { ...score, pFake: mapProbability(score.pFake, map) } : score;
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
  if (!meetsConfidenceFloor(score.pFake, policy.decisionThreshold, policy.minConfidence ?? NO_CONFIDENCE_FLOOR)) {
    return {
      ...score,
      verdict: 'uncertain',
      why: 'not-confident',
      reason: `p(fake) ${score.pFake.toFixed(2)}: "${verdict}" would be right with probability ${decidedConfidence(verdict, score.pFake).toFixed(2)} only (< ${policy.minConfidence})`,
    };
  }
  return { ...score, verdict, why: 'decided', reason: `p(fake) ${score.pFake.toFixed(2)} ${verdict === 'fake' ? '≥' : '<'} ${policy.decisionThreshold}` };
}

/** The probability that a "fake" or "real" verdict is right, if the fused p(fake) is calibrated. */
export function decidedConfidence(verdict: 'fake' | 'real', pFake: number): number {
  return verdict === 'fake' ? pFake : 1 - pFake;
}

/** `minConfidence` when the policy sets none: every verdict is at least this likely right, so the floor never fires. */
export const NO_CONFIDENCE_FLOOR = 0.5;

/** Whether the verdict p(fake) gets at `threshold` is at least `floor` likely to be right (the rule `decideVerdict` applies). */
export function meetsConfidenceFloor(pFake: number, threshold: number, floor: number): boolean {
  return decidedConfidence(pFake >= threshold ? 'fake' : 'real', pFake) >= floor;
}

/** One face's verdict, as the clip-level rule sees it. */
export interface TrackVerdict {
  readonly trackId: number;
  readonly verdict: VerdictResult;
}

/**
 * The clip's verdict from its faces: a clip is fake when any of its faces is (a fake video may
 * also show untouched people). Faces with fewer than `minEvidenceFrames` answered face-frames
 * (a spurious detection, a face crossing the edge) do not count unless no face has enough. With
 * one face this is that face's verdict. Otherwise: the most fake face that is `fake`; else the most
 * fake `uncertain` face (an unresolved face keeps the clip unresolved); else the most fake `real`
 * one. `pooled` (all face-frames fused) answers when there are no faces. Pure.
 */
export function clipVerdict(pooled: VerdictResult, tracks: readonly TrackVerdict[], policy: VerdictPolicy): VerdictResult & { readonly trackId: number | null } {
  const enough = tracks.filter((t) => t.verdict.evidenceFrames >= policy.minEvidenceFrames);
  const counted = enough.length > 0 ? enough : tracks.filter((t) => t.verdict.pFake !== null);
  if (counted.length === 0) return { ...pooled, trackId: null };
  const byP = [...counted].sort((a, b) => (b.verdict.pFake ?? -1) - (a.verdict.pFake ?? -1));
  const pick = byP.find((t) => t.verdict.verdict === 'fake') ?? byP.find((t) => t.verdict.verdict === 'uncertain') ?? (byP[0] as TrackVerdict);
  const v = pick.verdict;
  const which = counted.length > 1 ? `face ${pick.trackId} of ${counted.length}: ` : '';
  return { ...v, reason: `${which}${v.reason}`, trackId: pick.trackId };
}

/** A face's per-detector scores, in the order of the detector names. */
export interface TrackScores {
  readonly trackId: number;
  readonly scores: readonly VideoScore[];
}

/**
 * The whole decision for a clip, as the report makes it and as `fakescope eval` re-makes it from
 * stored scores: each face fused and decided, the clip's verdict from its faces (`clipVerdict`,
 * with the pooled face-frames when there are none), then the alert coverage (`reconcileWithAlerts`).
 * Pure.
 */
export function decideClip(
  names: readonly string[],
  pooled: readonly VideoScore[],
  tracks: readonly TrackScores[],
  coverage: number,
  policy: VerdictPolicy,
): VerdictResult & { readonly trackId: number | null } {
  const perTrack = tracks.map((t) => ({ trackId: t.trackId, verdict: fusedVerdict(names, t.scores, policy) }));
  const v = clipVerdict(fusedVerdict(names, pooled, policy), perTrack, policy);
  return { ...reconcileWithAlerts(v, coverage, policy), trackId: v.trackId };
}

/** An epistemic-spike alert segment of one face, in media time. */
export interface UncertainSegment {
  readonly trackId: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly peakEpistemic: number;
  readonly detectors: readonly string[];
}

/**
 * Alerts and verdict agree: when the epistemic-spike segments cover more than
 * `maxUncertainCoverage` of the face time (Σ segment durations ÷ Σ face-track durations), a
 * decided verdict becomes `uncertain` (`uncertain-segments`); below that the verdict stands and the
 * segments are listed beside it. Pure.
 */
export function reconcileWithAlerts(v: VerdictResult, coverage: number, policy: VerdictPolicy): VerdictResult {
  const max = policy.maxUncertainCoverage ?? DEFAULT_MAX_UNCERTAIN_COVERAGE;
  if (v.verdict === 'uncertain' || !(coverage > max)) return v;
  return {
    ...v,
    verdict: 'uncertain',
    why: 'uncertain-segments',
    reason: `epistemic-spike alerts cover ${(100 * coverage).toFixed(0)} % of the face time (> ${(100 * max).toFixed(0)} %); without them: ${v.reason}`,
  };
}

export const DEFAULT_MAX_UNCERTAIN_COVERAGE = 0.5;

/** Σ over tracks of the union of their segments' durations ÷ Σ track durations (0 without face time). */
export function alertCoverage(segments: readonly UncertainSegment[], trackDurations: ReadonlyMap<number, number>): number {
  let face = 0;
  for (const d of trackDurations.values()) face += Math.max(0, d);
  if (face <= 0) return 0;
  let covered = 0;
  const byTrack = new Map<number, UncertainSegment[]>();
  for (const s of segments) byTrack.set(s.trackId, [...(byTrack.get(s.trackId) ?? []), s]);
  for (const segs of byTrack.values()) {
    const sorted = [...segs].sort((a, b) => a.startMs - b.startMs);
    let end = -Infinity;
    for (const s of sorted) {
      const start = Math.max(s.startMs, end);
      if (s.endMs > start) covered += s.endMs - start;
      end = Math.max(end, s.endMs);
    }
  }
  return Math.min(1, covered / face);
}
