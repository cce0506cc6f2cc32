import type { FrameResult } from '../pipeline/frame-result-schema.js';
import type { Report } from '../pipeline/report-schema.js';
import type { SegmentFeatures } from '../pipeline/segment-features.js';
import { windowAccumulators } from '../pipeline/segment-features.js';
import type { AttributionModel } from '../pipeline/attribution.js';
import { estimateSource } from '../pipeline/attribution.js';
import type { VerdictPolicy, VideoScore } from '../pipeline/verdict.js';
import { decideClip, fuseScores } from '../pipeline/verdict.js';
import type { UncertaintyStats } from '../core/uncertainty.js';
import { withDistance } from '../core/uncertainty.js';
import type { ClipResult, ClipScore, EvalItem } from './types.js';

/**
 * From an analysis report to the evaluation's rows: one ClipResult per clip, and segment rows
 * (windows of frames with their features and fused score) to fit the verdict policy and the
 * source classifier on. Pure.
 */
export interface SegmentRow {
  readonly frames: number;
  readonly features: SegmentFeatures;
  /** Fused score of the window (null: no detector answered). */
  readonly p: number | null;
  readonly epistemic: number | null;
  readonly disagreement: number | null;
}

export function clipScore(v: VideoScore): ClipScore {
  const u = v.uncertainty;
  return {
    pFake: v.pFake,
    std: u?.std ?? null,
    entropy: u?.entropy ?? null,
    aleatoric: u?.aleatoric ?? null,
    epistemic: u?.epistemic ?? null,
    ...(u?.distance !== undefined ? { distance: u.distance } : {}),
    evidenceFrames: v.evidenceFrames,
  };
}

/** Statistics rebuilt from a stored score (one pseudo-sample), the distance term kept. */
function statsOf(mean: number, d: { std?: number | null; entropy?: number | null; aleatoric?: number | null; epistemic?: number | null; distance?: number | undefined }): UncertaintyStats {
  const base = { mean, std: d.std ?? 0, entropy: d.entropy ?? 0, aleatoric: d.aleatoric ?? 0, epistemic: d.epistemic ?? 0, samples: 1 };
  if (d.distance === undefined) return base;
  // the stored epistemic already holds ln 2 · distance: take the MI part back out before re-adding it
  return withDistance({ ...base, epistemic: Math.max(0, base.epistemic - Math.LN2 * d.distance) }, d.distance);
}

export function clipResult(item: EvalItem, perturbation: string, report: Report, wallMs: number): ClipResult {
  const s = report.summary;
  const a = s.attribution;
  return {
    item,
    perturbation,
    detectors: Object.fromEntries(Object.entries(report.detectors).map(([n, d]) => [n, clipScore(d)])),
    fused: {
      ...clipScore({ pFake: s.pFake, uncertainty: s.uncertainty, evidenceFrames: Math.min(...Object.values(report.detectors).map((d) => d.okFrames), Infinity) }),
      disagreement: s.disagreement,
    },
    verdict: s.verdict,
    reason: s.reason,
    attribution: a ? { classes: a.classes, probabilities: a.probabilities, top: a.top, entropy: a.entropy } : null,
    features: s.features,
    frames: s.frames,
    framesWithFaces: s.framesWithFaces,
    wallMs,
    tracks: report.tracks.map((t) => ({ trackId: t.trackId, detectors: Object.fromEntries(Object.entries(t.detectors).map(([n, d]) => [n, clipScore(d)])) })),
    uncertainCoverage: s.uncertainCoverage,
  };
}

/** A clip whose analysis failed: no scores, the error kept. */
export function failedClip(item: EvalItem, perturbation: string, error: string, wallMs: number): ClipResult {
  const empty = { pFake: null, std: null, entropy: null, aleatoric: null, epistemic: null, evidenceFrames: 0 };
  return {
    item,
    perturbation,
    detectors: {},
    fused: { ...empty, disagreement: null },
    verdict: 'uncertain',
    reason: 'analysis failed',
    attribution: null,
    features: {},
    frames: 0,
    framesWithFaces: 0,
    wallMs,
    error,
  };
}

/** Windows of `size` analysed frames with their features and fused score. */
export function segmentRows(frames: readonly FrameResult[], detectors: readonly string[], size: number): SegmentRow[] {
  return windowAccumulators(frames, size).map((acc) => {
    const fused = fuseScores(detectors.map((d) => acc.score(d)));
    return {
      frames: acc.frameCount,
      features: acc.features(),
      p: fused.pFake,
      epistemic: fused.uncertainty?.epistemic ?? null,
      disagreement: fused.disagreement ?? null,
    };
  });
}

/** A detector's segment score rebuilt from the segment features (null: no answer in the segment). */
export function scoreFromFeatures(f: SegmentFeatures, detector: string): VideoScore | null {
  const g = (k: string) => f[`${detector}.${k}`];
  const mean = g('pFake');
  if (mean === undefined) return null;
  const distance = g('distance');
  return {
    pFake: mean,
    uncertainty: statsOf(mean, { std: g('std'), entropy: g('entropy'), aleatoric: g('aleatoric'), epistemic: g('epistemic'), ...(distance !== undefined ? { distance } : {}) }),
    evidenceFrames: 1,
  };
}

/**
 * The parts of a clip's result that depend on the verdict policy and the source classifier —
 * fused score, verdict, attribution — recomputed from its per-face and per-detector scores, alert
 * coverage and features, so a cached analysis serves any policy. The decision is the analyzer's
 * own (`decideClip`): the most fake face decides, alert coverage can make it uncertain, and the
 * fused score is the deciding face's.
 */
export function reapply(r: ClipResult, policy: VerdictPolicy, model: AttributionModel | null): ClipResult {
  if (r.error) return r;
  const names = Object.keys(r.detectors);
  const scoresOf = (detectors: Readonly<Record<string, ClipScore>>) => names.map((n) => videoScore(detectors[n]));
  const tracks = (r.tracks ?? []).map((t) => ({ trackId: t.trackId, scores: scoresOf(t.detectors) }));
  const v = decideClip(names, scoresOf(r.detectors), tracks, r.uncertainCoverage ?? 0, policy);
  const a = model && v.pFake !== null ? estimateSource(model, r.features) : null;
  return {
    ...r,
    fused: { ...clipScore(v), disagreement: v.disagreement ?? null },
    verdict: v.verdict,
    reason: v.reason,
    attribution: a ? { classes: a.classes, probabilities: a.probabilities, top: a.top, entropy: a.entropy } : null,
  };
}

/** A stored score back as the analyzer's score (no score: a detector that did not answer). */
function videoScore(d: ClipScore | undefined): VideoScore {
  if (!d || d.pFake === null) return { pFake: null, uncertainty: null, evidenceFrames: d?.evidenceFrames ?? 0 };
  return { pFake: d.pFake, uncertainty: statsOf(d.pFake, d), evidenceFrames: d.evidenceFrames };
}
