import type { SourceEstimate } from './attribution.js';
import type { Verdict, VerdictWhy } from './verdict.js';

/**
 * The verdict in words a journalist can act on, built from the stable codes of the verdict
 * (`verdict`, `why`) and its numbers. Pure: no I/O, no formatting for a particular screen. A new
 * `VerdictWhy` code needs one entry in `WHY` (the compiler insists); everything else follows.
 */
export interface VerdictInput {
  readonly verdict: Verdict;
  readonly why: VerdictWhy;
  readonly pFake: number | null;
  /** Face-frames with an answer (the evidence behind the number). */
  readonly evidenceFrames: number;
  readonly decisionThreshold: number;
  /** A photo rather than a video: the evidence is one picture, and time-based detectors do not apply. */
  readonly still?: boolean;
}

export type ConfidenceLevel = 'none' | 'low' | 'moderate' | 'high';

export interface PlainVerdict {
  /** "Likely manipulated", "No sign of manipulation found", "Can't tell". */
  readonly headline: string;
  /** One sentence: why the headline is what it is. */
  readonly explanation: string;
  readonly confidence: { readonly level: ConfidenceLevel; readonly words: string; readonly pFake: number | null };
  /** What a person should do next, most useful first. */
  readonly nextSteps: readonly string[];
}

export const HEADLINES: Readonly<Record<Verdict, string>> = {
  fake: 'Likely manipulated',
  real: 'No sign of manipulation found',
  uncertain: "Can't tell",
};

interface WhyText {
  /** Why the tool could not decide (or, for `decided`, unused). */
  readonly explanation: string;
  readonly nextSteps: readonly string[];
}

const WHY: Readonly<Record<VerdictWhy, WhyText>> = {
  decided: { explanation: '', nextSteps: [] },
  'no-answer': {
    explanation: 'no face could be analysed (none was found, or every face was too small).',
    nextSteps: ['Find a copy where the face is visible, frontal and larger.', 'Check the material by other means: source, context, metadata.'],
  },
  'too-few-frames': {
    explanation: 'the face was seen on too few frames to judge.',
    nextSteps: ['Find a longer or higher-resolution copy in which the face is visible for longer.'],
  },
  'out-of-distribution': {
    explanation: 'this material is unlike anything the detectors learned from, so their score cannot be trusted.',
    nextSteps: ['Have an expert review it.', 'Calibrate fakescope on material like this (fakescope calibrate) before relying on it.'],
  },
  disagreement: {
    explanation: 'the detectors disagree with each other.',
    nextSteps: ['Look at the segments where the detectors disagree (technical details).', 'Have an expert review it.'],
  },
  'near-threshold': {
    explanation: 'the score sits too close to the line between genuine and manipulated.',
    nextSteps: ['Compare with a known genuine video of the same person.', 'Look for the original source of the material.'],
  },
  'not-confident': {
    explanation: 'the score is neither high enough to call the material manipulated nor low enough to call it genuine: an answer either way would too often be wrong.',
    nextSteps: ['Compare with a known genuine video of the same person.', 'Look for the original source of the material.'],
  },
  'uncertain-segments': {
    explanation: 'too many parts of the material gave an uncertain answer.',
    nextSteps: ['Look at the marked segments one by one.', 'Look for the original source of the material.'],
  },
};

const FAKE_STEPS = [
  'Look for the original source of the material (reverse image search of the frames shown).',
  'Compare with a known genuine video or photo of the same person.',
  'Do not publish on this result alone: the detectors are experimental and can be wrong.',
];

const REAL_STEPS = [
  'Finding no sign is not proof the material is genuine: check its source and context.',
  'Compare with a known genuine video or photo of the same person if the stakes are high.',
];

/**
 * Confidence in words from how far the fused p(fake) lies from the decision threshold, as a
 * fraction of the room on that side (0 at the threshold, 1 at p = 0 or 1). An abstention has
 * confidence "none" whatever the number.
 */
export function confidenceLevel(verdict: Verdict, pFake: number | null, threshold: number): ConfidenceLevel {
  if (verdict === 'uncertain' || pFake === null) return 'none';
  const room = pFake >= threshold ? 1 - threshold : threshold;
  const d = room > 0 ? Math.abs(pFake - threshold) / room : 1;
  return d >= 0.6 ? 'high' : d >= 0.3 ? 'moderate' : 'low';
}

const CONFIDENCE_WORDS: Readonly<Record<ConfidenceLevel, string>> = {
  none: 'no conclusion',
  low: 'low confidence',
  moderate: 'moderate confidence',
  high: 'high confidence',
};

export function plainVerdict(v: VerdictInput): PlainVerdict {
  const level = confidenceLevel(v.verdict, v.pFake, v.decisionThreshold);
  const confidence = { level, words: CONFIDENCE_WORDS[level], pFake: v.pFake };
  if (v.verdict === 'uncertain') {
    // A verdict of "uncertain" always carries the rule that fired; `decided` here would be a bug
    // upstream, and is reported as the generic case rather than hidden.
    const why = v.why === 'decided' ? WHY['near-threshold'] : WHY[v.why];
    return { headline: HEADLINES.uncertain, explanation: `Can't tell because ${why.explanation}`, confidence, nextSteps: why.nextSteps };
  }
  const over = v.still ? 'in this photo' : `over ${v.evidenceFrames} face-frames`;
  const p = v.pFake === null ? '' : ` (score ${formatPercent(v.pFake)} likely manipulated, ${over})`;
  const photo = v.still ? ' Only the appearance detectors can judge a photo; the pulse and motion checks need a video.' : '';
  if (v.verdict === 'fake') {
    return { headline: HEADLINES.fake, explanation: `The detectors found traces typical of manipulated or generated faces${p}.${photo}`, confidence, nextSteps: FAKE_STEPS };
  }
  return { headline: HEADLINES.real, explanation: `The detectors found no traces of manipulation${p}.${photo}`, confidence, nextSteps: REAL_STEPS };
}

/** 0.937 → "94 %". */
export function formatPercent(p: number): string {
  return `${Math.round(p * 100)} %`;
}

/**
 * The source estimate in words. The classifier's classes include "real", so its top class is not
 * always a generator: then it says so and still names the closest generator, rather than printing
 * "closest synthetic generator: real" next to a FAKE verdict. Pure.
 */
export function sourceInWords(a: Pick<SourceEstimate, 'classes' | 'probabilities' | 'top' | 'best'>): string {
  const p = (name: string) => a.probabilities[a.classes.indexOf(name)] ?? 0;
  const generators = a.classes.filter((c) => c !== 'real');
  const closest = generators.reduce<string | null>((b, c) => (b === null || p(c) > p(b) ? c : b), null);
  const named = closest === null ? '' : `closest known generator ${closest} (${formatPercent(p(closest))})`;
  if (a.top === 'unknown') return `source: unlike every generator the source classifier knows${named ? `; ${named}` : ''}`;
  if (a.best === 'real') return `source: the uncertainty pattern is closest to real footage (${formatPercent(p('real'))})${named ? `; ${named}` : ''}`;
  return `source: ${named}`;
}
