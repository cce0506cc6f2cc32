import type { Report } from '../pipeline/report-schema.js';
import type { Verdict, VerdictWhy } from '../pipeline/verdict.js';
import { effectiveWeights } from '../pipeline/verdict.js';

/**
 * `fakescope analyze --json`: one JSON object on stdout for scripts, the same answer as the
 * human summary (verdict, its stable `why` code, the words, per-face verdicts) without the
 * per-frame data. `schema` changes when a field changes meaning or disappears.
 */
export const JSON_SUMMARY_SCHEMA = 'fakescope.summary/1';

export interface JsonSummary {
  readonly schema: typeof JSON_SUMMARY_SCHEMA;
  readonly input: string;
  /** A photo rather than a video. */
  readonly still: boolean;
  readonly complete: boolean;
  readonly verdict: Verdict;
  readonly why: VerdictWhy;
  readonly reason: string;
  readonly pFake: number | null;
  readonly epistemic: number | null;
  readonly headline: string;
  readonly explanation: string;
  readonly confidence: string;
  readonly nextSteps: readonly string[];
  readonly decisionThreshold: number;
  readonly frames: number;
  readonly framesWithFaces: number;
  readonly faces: readonly {
    readonly trackId: number;
    readonly startMs: number;
    readonly endMs: number;
    readonly verdict: Verdict;
    readonly why: VerdictWhy;
    readonly pFake: number | null;
    readonly headline: string;
  }[];
  readonly detectors: Readonly<Record<string, { readonly applicable: boolean; readonly pFake: number | null; readonly evidenceFrames: number; readonly weight: number }>>;
  /** Where the full JSON report was written, when it was. */
  readonly report: string | null;
}

export function jsonSummary(r: Report, reportPath: string | null): JsonSummary {
  const s = r.summary;
  const weights = effectiveWeights(s.policy.weights, Object.keys(r.detectors));
  const threshold = s.policy.decisionThreshold;
  const words = s.plain;
  return {
    schema: JSON_SUMMARY_SCHEMA,
    input: r.input.source,
    still: r.input.media.still === true,
    complete: r.analysis.complete,
    verdict: s.verdict,
    why: s.why,
    reason: s.reason,
    pFake: s.pFake,
    epistemic: s.uncertainty?.epistemic ?? null,
    headline: words.headline,
    explanation: words.explanation,
    confidence: words.confidence.words,
    nextSteps: words.nextSteps,
    decisionThreshold: threshold,
    frames: s.frames,
    framesWithFaces: s.framesWithFaces,
    faces: r.tracks.map((t) => ({
      trackId: t.trackId,
      startMs: t.firstPtsMs,
      endMs: t.lastPtsMs,
      verdict: t.verdict.verdict,
      why: t.verdict.why,
      pFake: t.verdict.pFake,
      headline: t.plain.headline,
    })),
    detectors: Object.fromEntries(
      Object.entries(r.detectors).map(([name, d]) => [name, { applicable: d.applicable !== false, pFake: d.pFake, evidenceFrames: d.evidenceFrames, weight: weights[name] as number }]),
    ),
    report: reportPath,
  };
}
