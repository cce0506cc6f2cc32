import { describe, expect, it } from 'vitest';
import { poolStats, summarizeSamples, withDistance } from '../../src/core/uncertainty.js';
import type { VerdictPolicy } from '../../src/pipeline/verdict.js';
import { alertCoverage, clipVerdict, decidedConfidence, decideVerdict, effectiveWeights, fusedVerdict, fuseScores, reconcileWithAlerts, unweightedDetectors, videoScore } from '../../src/pipeline/verdict.js';

const policy: VerdictPolicy = { decisionThreshold: 0.5, margin: 0.15, maxEpistemic: 0.1, maxDisagreement: 0.2, minEvidenceFrames: 3 };
const frames = (samples: number[][]) => samples.map((s) => summarizeSamples(s)!);

describe('poolStats', () => {
  it('equals the statistics of the concatenated samples', () => {
    const a = [0.1, 0.4, 0.3];
    const b = [0.9, 0.7];
    const pooled = poolStats([summarizeSamples(a)!, summarizeSamples(b)!])!;
    const direct = summarizeSamples([...a, ...b])!;
    for (const k of ['mean', 'std', 'entropy', 'aleatoric', 'epistemic', 'samples'] as const) {
      expect(pooled[k]).toBeCloseTo(direct[k], 12);
    }
  });
  it('is null for nothing', () => {
    expect(poolStats([])).toBeNull();
  });
});

describe('decideVerdict', () => {
  it.each([
    { name: 'confident fake', s: [[0.95, 0.97], [0.96, 0.94], [0.95, 0.95]], verdict: 'fake' },
    { name: 'confident real', s: [[0.03, 0.05], [0.04, 0.02], [0.05, 0.05]], verdict: 'real' },
    { name: 'near the threshold', s: [[0.55, 0.56], [0.57, 0.55], [0.56, 0.56]], verdict: 'uncertain' },
    { name: 'samples disagree (epistemic)', s: [[0.02, 0.98], [0.99, 0.01], [0.9, 0.95]], verdict: 'uncertain' },
    { name: 'too few frames', s: [[0.99, 0.99]], verdict: 'uncertain' },
  ])('$name → $verdict', ({ s, verdict }) => {
    expect(decideVerdict(videoScore(frames(s)), policy).verdict).toBe(verdict);
  });

  it('abstains when no detector answered', () => {
    const v = decideVerdict(fuseScores([videoScore([])]), policy);
    expect(v.verdict).toBe('uncertain');
    expect(v.pFake).toBeNull();
    expect(v.reason).toMatch(/no detector/);
  });
});

describe('the confidence floor (minConfidence)', () => {
  // A fitted policy with no margin: only the floor keeps p(fake) near 0.5 from a verdict.
  const fitted: VerdictPolicy = { decisionThreshold: 0.514, margin: 0, maxEpistemic: 0.693, maxDisagreement: 0.5, minEvidenceFrames: 3 };
  const at = (p: number) => ({ pFake: p, uncertainty: summarizeSamples([p])!, evidenceFrames: 20 });
  it.each([
    { p: 0.52, floor: 0.7, verdict: 'uncertain' },
    { p: 0.69, floor: 0.7, verdict: 'uncertain' },
    { p: 0.7, floor: 0.7, verdict: 'fake' },
    { p: 0.9, floor: 0.7, verdict: 'fake' },
    { p: 0.47, floor: 0.7, verdict: 'uncertain' },
    { p: 0.31, floor: 0.7, verdict: 'uncertain' },
    { p: 0.3, floor: 0.7, verdict: 'real' },
    { p: 0.05, floor: 0.7, verdict: 'real' },
    { p: 0.52, floor: 0.5, verdict: 'fake' },
    { p: 0.47, floor: 0.5, verdict: 'real' },
    { p: 0.52, floor: undefined, verdict: 'fake' },
  ])('p(fake) $p under floor $floor → $verdict', ({ p, floor, verdict }) => {
    const v = decideVerdict(at(p), { ...fitted, ...(floor === undefined ? {} : { minConfidence: floor }) });
    expect(v.verdict).toBe(verdict);
    expect(v.why).toBe(verdict === 'uncertain' ? 'not-confident' : 'decided');
  });
  it('says how likely the verdict it withheld would have been right', () => {
    expect(decideVerdict(at(0.47), { ...fitted, minConfidence: 0.7 }).reason).toBe('p(fake) 0.47: "real" would be right with probability 0.53 only (< 0.7)');
  });
  it('reads the chance of being right off p(fake), not off the threshold', () => {
    expect(decidedConfidence('fake', 0.8)).toBeCloseTo(0.8, 12);
    expect(decidedConfidence('real', 0.8)).toBeCloseTo(0.2, 12);
    // A threshold above the floor: p(fake) 0.75 is "fake"-side of 0.7 but under the threshold 0.8, so "real"
    // would be right with 0.25 only: uncertain, not real.
    expect(decideVerdict(at(0.75), { ...fitted, decisionThreshold: 0.8, minConfidence: 0.7 }).verdict).toBe('uncertain');
  });
});

describe('fuseScores', () => {
  it('weights detectors equally whatever their sample counts', () => {
    const many = videoScore(frames(Array.from({ length: 20 }, () => [0.9, 0.9, 0.9, 0.9])));
    const few = videoScore(frames([[0.1], [0.1], [0.1]]));
    const fused = fuseScores([many, few]);
    expect(fused.pFake).toBeCloseTo(0.5, 10);
    expect(fused.evidenceFrames).toBe(3);
  });
  it('ignores detectors without evidence', () => {
    const fused = fuseScores([videoScore([]), videoScore(frames([[0.8], [0.8], [0.8]]))]);
    expect(fused.pFake).toBeCloseTo(0.8, 10);
    expect(fused.disagreement).toBe(0);
  });
  it('measures disagreement as the spread of the detectors\' p(fake) and abstains on it', () => {
    const a = videoScore(frames([[0.9], [0.9], [0.9]]));
    const b = videoScore(frames([[0.3], [0.3], [0.3]]));
    const fused = fuseScores([a, b]);
    expect(fused.disagreement).toBeCloseTo(0.3, 10);
    // The mixture's epistemic part already carries the disagreement (0.205 nats here)…
    expect(decideVerdict(fused, policy).reason).toMatch(/epistemic/);
    // …and the spread is a second, direct check.
    const v = decideVerdict(fused, { ...policy, maxEpistemic: 1 });
    expect(v.verdict).toBe('uncertain');
    expect(v.reason).toMatch(/disagree/);
    expect(decideVerdict(fused, { ...policy, maxEpistemic: 1, maxDisagreement: 0.5, margin: 0 }).verdict).toBe('fake');
  });
});

describe('fusion weights from a fitted policy', () => {
  it('counts a detector the policy was not fitted with as 0, and every detector as 1 when none was fitted', () => {
    expect(effectiveWeights({ blind: 0.7, rppg: 0 }, ['blind', 'rppg', 'motion'])).toEqual({ blind: 0.7, rppg: 0, motion: 0 });
    expect(effectiveWeights(undefined, ['blind', 'motion'])).toEqual({ blind: 1, motion: 1 });
    expect(effectiveWeights({}, ['blind'])).toEqual({ blind: 1 });
    // a policy fitted for other detectors altogether says nothing about these: equal weights
    expect(effectiveWeights({ other: 1 }, ['blind', 'motion'])).toEqual({ blind: 1, motion: 1 });
    expect(unweightedDetectors({ other: 1 }, ['blind'])).toEqual([]);
    expect(unweightedDetectors({ blind: 1, rppg: 0 }, ['blind', 'rppg', 'motion'])).toEqual(['motion']);
    expect(unweightedDetectors({}, ['blind', 'motion'])).toEqual([]);
  });
  it('an unfitted detector neither moves the verdict nor makes the detectors disagree', () => {
    const blind = videoScore(frames([[0.9], [0.9], [0.9], [0.9]]));
    const motion = videoScore(frames([[0.1], [0.1], [0.1], [0.1]]));
    const fitted: VerdictPolicy = { ...policy, maxDisagreement: 0, maxEpistemic: 1, margin: 0, weights: { blind: 1 } };
    const v = fusedVerdict(['blind', 'motion'], [blind, motion], fitted);
    expect(v.verdict).toBe('fake');
    expect(v.pFake).toBeCloseTo(0.9, 10);
    expect(v.disagreement).toBe(0);
    // counted at weight 1 (the old behaviour), the same scores split the verdict
    expect(fusedVerdict(['blind', 'motion'], [blind, motion], { ...fitted, weights: { blind: 1, motion: 1 } }).verdict).toBe('uncertain');
  });
});

describe('the fitted Platt map of the fused score', () => {
  it('maps the fused p(fake) before the thresholds, and leaves the mixture statistics alone', () => {
    const blind = videoScore(frames([[0.6], [0.6], [0.6], [0.6]]));
    const open: VerdictPolicy = { ...policy, maxDisagreement: 0.5, maxEpistemic: 1, margin: 0, decisionThreshold: 0.5, minConfidence: 0.7 };
    // unmapped, 0.6 is under the 0.7 floor
    expect(fusedVerdict(['blind'], [blind], open).why).toBe('not-confident');
    // a map fitted where such scores were mostly fakes: σ(2 · logit 0.6 + 0.5) ≈ 0.77
    const v = fusedVerdict(['blind'], [blind], { ...open, calibration: { a: 2, b: 0.5 } });
    expect(v.pFake).toBeCloseTo(1 / (1 + Math.exp(-(2 * Math.log(1.5) + 0.5))), 10);
    expect(v.verdict).toBe('fake');
    expect(v.uncertainty?.mean).toBeCloseTo(0.6, 10);
    // and one fitted where they were mostly real pulls it under the threshold
    expect(fusedVerdict(['blind'], [blind], { ...open, minConfidence: 0.5, calibration: { a: 1, b: -1 } }).verdict).toBe('real');
  });
  it('uses the subset map when a weighted detector has no evidence (a photo, a window still filling)', () => {
    const blind = videoScore(frames([[0.6], [0.6], [0.6], [0.6]]));
    const none = { pFake: null, uncertainty: null, evidenceFrames: 0 };
    const open: VerdictPolicy = { ...policy, maxDisagreement: 0.5, maxEpistemic: 1, margin: 0, decisionThreshold: 0.5, minConfidence: 0.5, weights: { blind: 0.5, identity: 0.5 } };
    const calibration = { a: 3, b: 0, subsets: [{ detectors: ['blind'], a: 1, b: -1 }] };
    const sigma = (z: number) => 1 / (1 + Math.exp(-z));
    // identity missing: blind's map (a 1, b −1), not the main map (a 3) fitted on the mixture of both
    expect(fusedVerdict(['blind', 'identity'], [blind, none], { ...open, calibration }).pFake).toBeCloseTo(sigma(Math.log(1.5) - 1), 10);
    // both there: the main map
    expect(fusedVerdict(['blind', 'identity'], [blind, blind], { ...open, calibration }).pFake).toBeCloseTo(sigma(3 * Math.log(1.5)), 10);
  });
});

describe('clipVerdict: a clip is as fake as its most fake face', () => {
  const tv = (trackId: number, p: number, frames = 20) => ({ trackId, verdict: decideVerdict({ pFake: p, uncertainty: summarizeSamples([p])!, evidenceFrames: frames }, policy) });
  const pooled = decideVerdict({ pFake: 0.5, uncertainty: summarizeSamples([0.5])!, evidenceFrames: 40 }, policy);
  it.each([
    { name: 'one real face', tracks: [tv(1, 0.1)], verdict: 'real', track: 1 },
    { name: 'one fake face among real ones', tracks: [tv(1, 0.1), tv(2, 0.95), tv(3, 0.2)], verdict: 'fake', track: 2 },
    { name: 'the most fake of two fakes', tracks: [tv(1, 0.8), tv(2, 0.95)], verdict: 'fake', track: 2 },
    { name: 'an unresolved face keeps the clip unresolved', tracks: [tv(1, 0.1), tv(2, 0.55)], verdict: 'uncertain', track: 2 },
    { name: 'a short spurious fake track does not count', tracks: [tv(1, 0.1), tv(2, 0.99, 2)], verdict: 'real', track: 1 },
    { name: 'only short tracks: too few frames to decide', tracks: [tv(1, 0.1, 2), tv(2, 0.99, 2)], verdict: 'uncertain', track: 2 },
  ])('$name', ({ tracks, verdict, track }) => {
    const v = clipVerdict(pooled, tracks, policy);
    expect(v.verdict).toBe(verdict);
    expect(v.trackId).toBe(track);
  });
  it('falls back to the pooled verdict without faces', () => {
    expect(clipVerdict(pooled, [], policy)).toEqual({ ...pooled, trackId: null });
  });
});

describe('alerts and verdict agree', () => {
  const fake = decideVerdict({ pFake: 0.95, uncertainty: summarizeSamples([0.95])!, evidenceFrames: 20 }, policy);
  const seg = (trackId: number, startMs: number, endMs: number) => ({ trackId, startMs, endMs, peakEpistemic: 0.3, detectors: ['blind'] });
  it.each([
    { name: 'no segments', segs: [], coverage: 0 },
    { name: 'half of one face of two', segs: [seg(1, 0, 5000)], coverage: 0.25 },
    { name: 'overlapping segments count once', segs: [seg(1, 0, 6000), seg(1, 4000, 8000)], coverage: 0.4 },
    { name: 'all of one face, none of the other', segs: [seg(1, 0, 10000), seg(2, 3000, 3000)], coverage: 0.5 },
  ])('coverage: $name', ({ segs, coverage }) => {
    expect(alertCoverage(segs, new Map([[1, 10000], [2, 10000]]))).toBeCloseTo(coverage, 12);
  });
  it('makes a decided verdict uncertain when alerts cover most of the face time', () => {
    const v = reconcileWithAlerts(fake, 0.8, policy);
    expect(v.verdict).toBe('uncertain');
    expect(v.why).toBe('uncertain-segments');
    expect(v.reason).toMatch(/alerts cover 80 %/);
    expect(v.pFake).toBe(fake.pFake);
  });
  it('leaves the verdict alone below the policy limit, and respects a fitted limit', () => {
    expect(reconcileWithAlerts(fake, 0.3, policy)).toBe(fake);
    expect(reconcileWithAlerts(fake, 0.3, { ...policy, maxUncertainCoverage: 0.2 }).verdict).toBe('uncertain');
  });
});

describe('verdict reasons', () => {
  it.each([
    { name: 'no answer', s: { pFake: null, uncertainty: null, evidenceFrames: 0 }, why: 'no-answer' },
    { name: 'too few face frames', s: { pFake: 0.9, uncertainty: summarizeSamples([0.9])!, evidenceFrames: 1 }, why: 'too-few-frames' },
    { name: 'out of distribution', s: { pFake: 0.9, uncertainty: withDistance(summarizeSamples([0.9])!, 1), evidenceFrames: 20 }, why: 'out-of-distribution' },
    { name: 'detectors disagree', s: { pFake: 0.9, uncertainty: summarizeSamples([0.9])!, evidenceFrames: 20, disagreement: 0.4 }, why: 'disagreement' },
    { name: 'near the threshold', s: { pFake: 0.55, uncertainty: summarizeSamples([0.55])!, evidenceFrames: 20 }, why: 'near-threshold' },
    { name: 'decided', s: { pFake: 0.95, uncertainty: summarizeSamples([0.95])!, evidenceFrames: 20 }, why: 'decided' },
  ])('$name → $why', ({ s, why }) => {
    expect(decideVerdict(s, policy).why).toBe(why);
  });
});
