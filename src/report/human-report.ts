import { type FusedCalibration, mapFor, mapProbability } from '../core/platt.js';
import type { FrameResult } from '../pipeline/frame-result-schema.js';
import type { Report } from '../pipeline/report-schema.js';
import type { Verdict } from '../pipeline/verdict.js';
import { effectiveWeights } from '../pipeline/verdict.js';
import type { FaceRegion } from './face-diagram.js';
import { FACE_REGIONS, regionFills, regionsStandOut } from './face-diagram.js';
import type { PlainVerdict } from '../pipeline/plain-language.js';
import { sourceInWords } from '../pipeline/plain-language.js';

/**
 * What a person needs from a report, as data: the answer in words, the faces it concerns, the
 * moments that drove it, where on the face, which detectors agreed. Every screen (CLI summary,
 * page, printable HTML) renders this one structure. Pure: the report in, plain data out.
 */
export interface HumanReport {
  readonly source: string;
  readonly still: boolean;
  readonly complete: boolean;
  readonly verdict: Verdict;
  readonly plain: PlainVerdict;
  readonly pFake: number | null;
  readonly threshold: number;
  readonly faces: readonly HumanFace[];
  /** The moments with the highest score (up to 3), in time order; empty for a photo or without frames. */
  readonly moments: readonly Moment[];
  /** Per face region: the region score of the detector that maps regions; null without one. */
  readonly regions: {
    readonly detector: string;
    readonly scores: Readonly<Record<FaceRegion, number | null>>;
    /** Fill colour per region, relative to the face's other regions (see `regionFills`), so every renderer colours the same way. */
    readonly fills: Readonly<Record<FaceRegion, string>>;
    /** False when the region scores are too even for any region to stand out. */
    readonly standsOut: boolean;
    /** What the shades mean, in words (the one caption every renderer shows). */
    readonly caption: string;
  } | null;
  readonly detectors: readonly DetectorVote[];
  /** Which generator probably made it, in words (`sourceInWords`); null without a source estimate. */
  readonly likelySource: string | null;
}

export interface HumanFace {
  readonly trackId: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly verdict: Verdict;
  readonly headline: string;
  readonly pFake: number | null;
}

export interface Moment {
  readonly startMs: number;
  readonly endMs: number;
  /** Mean per-frame fused score over the moment. */
  readonly score: number;
  /** The frame of the moment with the highest score (for a thumbnail). */
  readonly peakSeq: number;
  readonly trackIds: readonly number[];
}

export interface DetectorVote {
  readonly name: string;
  readonly pFake: number | null;
  readonly weight: number;
  /** How it relates to the verdict: same side of the threshold, the other side, not counted. */
  readonly stance: 'agrees' | 'disagrees' | 'not counted' | 'no answer' | 'not applicable';
}

export function humanReport(r: Report): HumanReport {
  const s = r.summary;
  const weights = effectiveWeights(s.policy.weights, Object.keys(r.detectors));
  const threshold = s.policy.decisionThreshold;
  return {
    source: r.input.source,
    still: r.input.media.still === true,
    complete: r.analysis.complete,
    verdict: s.verdict,
    plain: s.plain,
    pFake: s.pFake,
    threshold,
    faces: r.tracks.map((t) => ({ trackId: t.trackId, startMs: t.firstPtsMs, endMs: t.lastPtsMs, verdict: t.verdict.verdict, headline: t.plain.headline, pFake: t.verdict.pFake })),
    moments: r.input.media.still ? [] : topMoments(frameScores(r.frames, weights, s.policy.calibration), 3),
    regions: withFills(regionScores(s.features, Object.keys(r.detectors), weights)),
    detectors: Object.entries(r.detectors).map(([name, d]) => ({
      name,
      pFake: d.pFake,
      weight: weights[name] ?? 1,
      // on the scale of the fused score the threshold is set on, so "agrees" compares like with like
      stance: stance(d.applicable !== false, d.pFake === null ? null : mapProbability(d.pFake, mapFor(s.policy.calibration, [name])), weights[name] ?? 1, s.verdict, s.pFake, threshold),
    })),
    likelySource: s.attribution ? sourceInWords(s.attribution) : null,
  };
}

function stance(applicable: boolean, p: number | null, weight: number, verdict: Verdict, fused: number | null, threshold: number): DetectorVote['stance'] {
  if (!applicable) return 'not applicable';
  if (p === null) return 'no answer';
  if (weight <= 0) return 'not counted';
  // An abstention has no side; a detector "agrees" with the side the fused score is on.
  const side = verdict === 'uncertain' ? (fused ?? threshold) >= threshold : verdict === 'fake';
  return p >= threshold === side ? 'agrees' : 'disagrees';
}

export interface FrameScore {
  readonly seq: number;
  readonly ptsMs: number;
  /** Highest per-face fused score on the frame (weighted mean of the detectors' p(fake), through the policy's Platt map when given). */
  readonly score: number;
  readonly trackIds: readonly number[];
}

/**
 * Per frame, the highest per-face score: the detectors' p(fake) on that face-frame averaged with
 * the policy's fusion weights (a detector of weight 0 does not count), then mapped like the fused
 * score (`calibration`, the policy's Platt map: increasing, so it never changes which frames rank
 * highest). Frames without an answer are left out.
 */
export function frameScores(frames: readonly FrameResult[], weights: Readonly<Record<string, number>>, calibration?: FusedCalibration): FrameScore[] {
  const out: FrameScore[] = [];
  for (const f of frames) {
    let best: number | null = null;
    const ids: number[] = [];
    for (const face of f.faces) {
      let sum = 0;
      let wsum = 0;
      const present: string[] = [];
      for (const [name, d] of Object.entries(face.detectors)) {
        const w = weights[name] ?? 1;
        if (d.state !== 'ok' || d.pFake === null || w <= 0) continue;
        sum += w * d.pFake;
        wsum += w;
        present.push(name);
      }
      if (wsum === 0) continue;
      ids.push(face.trackId);
      best = Math.max(best ?? 0, mapProbability(sum / wsum, mapFor(calibration, present)));
    }
    if (best !== null) out.push({ seq: f.seq, ptsMs: f.ptsMs, score: best, trackIds: ids });
  }
  return out;
}

/**
 * The `n` one-second windows with the highest mean score, neighbours merged, in time order. A
 * window needs at least two scored frames, so a single odd frame is not "a moment".
 */
export function topMoments(scores: readonly FrameScore[], n: number, windowMs = 1000): Moment[] {
  const bins = new Map<number, FrameScore[]>();
  for (const s of scores) {
    const k = Math.floor(s.ptsMs / windowMs);
    const list = bins.get(k) ?? [];
    list.push(s);
    bins.set(k, list);
  }
  const windows = [...bins.entries()]
    .filter(([, list]) => list.length >= 2 || scores.length < 2)
    .map(([k, list]) => ({ k, list, mean: list.reduce((a, s) => a + s.score, 0) / list.length }))
    .sort((a, b) => b.mean - a.mean || a.k - b.k)
    .slice(0, n)
    .sort((a, b) => a.k - b.k);
  const merged: { k0: number; k1: number; list: FrameScore[] }[] = [];
  for (const w of windows) {
    const last = merged.at(-1);
    if (last && last.k1 === w.k - 1) {
      last.k1 = w.k;
      last.list.push(...w.list);
    } else merged.push({ k0: w.k, k1: w.k, list: [...w.list] });
  }
  return merged.map((m) => {
    const peak = m.list.reduce((a, b) => (b.score > a.score ? b : a));
    return {
      startMs: m.list[0]!.ptsMs,
      endMs: m.list.at(-1)!.ptsMs,
      score: m.list.reduce((a, s) => a + s.score, 0) / m.list.length,
      peakSeq: peak.seq,
      trackIds: [...new Set(m.list.flatMap((s) => s.trackIds))],
    };
  });
}

function withFills(regions: ReturnType<typeof regionScores>): HumanReport['regions'] {
  if (!regions) return null;
  const standsOut = regionsStandOut(regions.scores);
  const caption = standsOut
    ? `Where on the face the ${regions.detector} detector's evidence is strongest: the deeper the orange, the more than in the face's other regions. The shades compare regions with each other; they say where to look, not whether the face is manipulated (the verdict above says that). Region scores are averages over the analysis, not proof about a spot.`
    : `The ${regions.detector} detector's evidence is spread evenly over the face: no region stands out.`;
  return { ...regions, fills: regionFills(regions.scores), standsOut, caption };
}

/** Region scores from the report's features (`<detector>.region.<region>.pFake`), highest-weight detector first. */
export function regionScores(
  features: Readonly<Record<string, number>>,
  detectors: readonly string[],
  weights: Readonly<Record<string, number>>,
): { readonly detector: string; readonly scores: Readonly<Record<FaceRegion, number | null>> } | null {
  const ranked = [...detectors].sort((a, b) => (weights[b] ?? 1) - (weights[a] ?? 1));
  for (const d of ranked) {
    const scores = Object.fromEntries(FACE_REGIONS.map((r) => [r, features[`${d}.region.${r}.pFake`] ?? null])) as Record<FaceRegion, number | null>;
    if (Object.values(scores).some((v) => v !== null)) return { detector: d, scores };
  }
  return null;
}
