import { describe, expect, it } from 'vitest';
import type { VerdictWhy } from '../../src/pipeline/verdict.js';
import { confidenceLevel, formatPercent, plainVerdict, sourceInWords } from '../../src/pipeline/plain-language.js';

const base = { evidenceFrames: 120, decisionThreshold: 0.5 };

describe('plain-language verdict', () => {
  it.each([
    ['fake', 'decided', 0.94, 'Likely manipulated', /traces typical of manipulated.*94 %.*120 face-frames/],
    ['real', 'decided', 0.1, 'No sign of manipulation found', /no traces of manipulation/],
    ['uncertain', 'no-answer', null, "Can't tell", /no face could be analysed/],
    ['uncertain', 'too-few-frames', 0.8, "Can't tell", /too few frames/],
    ['uncertain', 'out-of-distribution', 0.7, "Can't tell", /unlike anything the detectors learned/],
    ['uncertain', 'disagreement', 0.6, "Can't tell", /disagree/],
    ['uncertain', 'near-threshold', 0.52, "Can't tell", /too close to the line/],
    ['uncertain', 'not-confident', 0.42, "Can't tell", /neither high enough to call the material manipulated nor low enough to call it genuine/],
    ['uncertain', 'uncertain-segments', 0.6, "Can't tell", /parts of the material/],
  ] as const)('%s / %s → "%s"', (verdict, why, pFake, headline, explanation) => {
    const words = plainVerdict({ ...base, verdict, why: why as VerdictWhy, pFake });
    expect(words.headline).toBe(headline);
    expect(words.explanation).toMatch(explanation);
    expect(words.nextSteps.length).toBeGreaterThan(0);
    // No jargon in the words meant for people.
    expect(`${words.explanation} ${words.nextSteps.join(' ')}`).not.toMatch(/epistemic|aleatoric|nats|p\(fake\)/);
  });

  it('an abstention never claims confidence, whatever the number', () => {
    expect(plainVerdict({ ...base, verdict: 'uncertain', why: 'disagreement', pFake: 0.99 }).confidence.level).toBe('none');
  });

  it.each([
    // threshold 0.5: distance as a fraction of the room on that side
    ['fake', 0.99, 0.5, 'high'],
    ['fake', 0.7, 0.5, 'moderate'],
    ['fake', 0.55, 0.5, 'low'],
    ['real', 0.05, 0.5, 'high'],
    ['real', 0.4, 0.5, 'low'],
    // an asymmetric threshold: 0.8 is far from 0.2 on the fake side's scale
    ['fake', 0.8, 0.2, 'high'],
    ['real', 0.1, 0.2, 'moderate'],
  ] as const)('confidence of %s at p %f, threshold %f is %s', (verdict, p, t, level) => {
    expect(confidenceLevel(verdict, p, t)).toBe(level);
  });

  it('formats percentages', () => {
    expect(formatPercent(0.937)).toBe('94 %');
    expect(formatPercent(0)).toBe('0 %');
  });
});

describe('the likely source in words', () => {
  const classes = ['real', 'aniportrait', 'deepfacelive-dfm', 'edtalk'];
  it.each([
    [{ probabilities: [0.1, 0.7, 0.15, 0.05], top: 'aniportrait', best: 'aniportrait' }, 'source: closest known generator aniportrait (70 %)'],
    // Top class "real": said as such, and the closest generator still named (never "generator: real").
    [{ probabilities: [0.57, 0.13, 0.2, 0.1], top: 'real', best: 'real' }, 'source: the uncertainty pattern is closest to real footage (57 %); closest known generator deepfacelive-dfm (20 %)'],
    [{ probabilities: [0.3, 0.31, 0.2, 0.19], top: 'unknown', best: 'aniportrait' }, 'source: unlike every generator the source classifier knows; closest known generator aniportrait (31 %)'],
  ])('%j', (a, words) => {
    expect(sourceInWords({ classes, ...a })).toBe(words);
  });
});
