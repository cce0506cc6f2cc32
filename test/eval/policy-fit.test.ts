import { describe, expect, it } from 'vitest';
import type { CalibrationItem } from '../../src/eval/policy-fit.js';
import { bestThreshold, fitPolicy, fitWeights, wilsonLower } from '../../src/eval/policy-fit.js';
import { decideVerdict } from '../../src/pipeline/verdict.js';

const item = (fake: boolean, p: number, epistemic = 0.01, disagreement = 0): CalibrationItem => ({ fake, p, epistemic, disagreement });

describe('bestThreshold', () => {
  it('puts the cut between the classes, balanced over a skewed set', () => {
    const items = [item(false, 0.2), item(false, 0.3), ...Array.from({ length: 10 }, (_, i) => item(true, 0.6 + i * 0.01))];
    const t = bestThreshold(items);
    expect(t).toBeGreaterThan(0.3);
    expect(t).toBeLessThan(0.6);
  });
});

describe('fitPolicy', () => {
  it('abstains on the uncertain items so the answered ones reach the target, and the runtime verdict agrees', () => {
    // Confident items are right; items with high epistemic uncertainty are a coin toss.
    const items: CalibrationItem[] = [];
    for (let i = 0; i < 60; i++) items.push(item(false, 0.1 + i * 0.002, 0.01), item(true, 0.8 + i * 0.002, 0.01));
    for (let i = 0; i < 20; i++) items.push(item(i % 2 === 0, i % 4 < 2 ? 0.7 : 0.3, 0.3));
    const f = fitPolicy(items, { targetAccuracy: 0.95 });
    expect(f.fit.targetMet).toBe(true);
    expect(f.fit.accuracyLowerBound).toBeGreaterThanOrEqual(0.95);
    expect(f.fit.accuracyAnswered).toBe(1);
    expect(f.fit.accuracyForced).toBeLessThan(0.95);
    expect(f.maxEpistemic).toBeLessThan(0.3);
    expect(f.fit.coverage).toBeGreaterThan(0.5);
    // Same thresholds through decideVerdict: the answered items are the confident ones.
    const policy = { ...f, minEvidenceFrames: 1 };
    const verdicts = items.map((it) =>
      decideVerdict({ pFake: it.p, uncertainty: { mean: it.p, std: 0, entropy: 0.5, aleatoric: 0.5 - it.epistemic, epistemic: it.epistemic, samples: 8 }, evidenceFrames: 5, disagreement: it.disagreement }, policy),
    );
    const answered = verdicts.map((v, i) => ({ v, it: items[i]! })).filter((x) => x.v.verdict !== 'uncertain');
    expect(answered.length).toBe(120);
    expect(answered.every((x) => (x.v.verdict === 'fake') === x.it.fake)).toBe(true);
  });

  it('flags an unreachable target and falls back to the best accuracy at a usable coverage', () => {
    const items = Array.from({ length: 40 }, (_, i) => item(i % 2 === 0, 0.4 + (i % 3) * 0.1, 0.05));
    const f = fitPolicy(items, { targetAccuracy: 0.99 });
    expect(f.fit.targetMet).toBe(false);
    expect(f.fit.coverage).toBeGreaterThanOrEqual(0.25);
  });

  it('fits on top of the confidence floor: items the floor withholds are never counted as answered, and the runtime agrees', () => {
    // Right answers far from 0.5, coin tosses near it (p 0.45–0.55, low epistemic: only the floor or a margin catches them).
    const items: CalibrationItem[] = [];
    for (let i = 0; i < 40; i++) items.push(item(false, 0.1 + i * 0.002), item(true, 0.8 + i * 0.002));
    for (let i = 0; i < 40; i++) items.push(item(i % 2 === 0, 0.45 + (i % 10) * 0.01));
    const f = fitPolicy(items, { targetAccuracy: 0.9, minConfidence: 0.7 });
    expect(f.fit.minConfidence).toBe(0.7);
    expect(f.fit.targetMet).toBe(true);
    expect(f.fit.accuracyAnswered).toBe(1);
    const policy = { ...f, minEvidenceFrames: 1, minConfidence: 0.7 };
    const answered = items.filter((it) => decideVerdict({ pFake: it.p, uncertainty: { mean: it.p, std: 0, entropy: 0.5, aleatoric: 0.5, epistemic: 0.01, samples: 8 }, evidenceFrames: 5, disagreement: 0 }, policy).verdict !== 'uncertain');
    expect(answered.length).toBe(80);
    // The floor alone already withholds the coin tosses, so no margin is needed on top of it.
    expect(f.margin).toBe(0);
    const free = fitPolicy(items, { targetAccuracy: 0.9 });
    expect(free.fit.minConfidence).toBe(0.5);
    expect(free.margin).toBeGreaterThan(0);
  });

  it('needs both classes', () => {
    expect(() => fitPolicy([item(true, 0.9), item(true, 0.8)])).toThrow(/real and fake/);
  });
});

describe('fitWeights', () => {
  const score = (p: number) => ({ pFake: p, uncertainty: { mean: p, std: 0, entropy: 0, aleatoric: 0, epistemic: 0, samples: 4 }, evidenceFrames: 5 });
  it('gives an informative detector the weight and a coin-flipping one little', () => {
    const items = Array.from({ length: 40 }, (_, i) => {
      const fake = i % 2 === 0;
      return { fake, detectors: [score(fake ? 0.8 : 0.2), score(i % 4 < 2 ? 0.7 : 0.3), i % 3 === 0 ? null : score(0.5)] };
    });
    const f = fitWeights(items, 3);
    expect(f.weights[0]).toBeGreaterThan(0.8);
    expect(f.weights[1]).toBeLessThan(0.2);
    expect(f.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(f.nll).toBeLessThan(f.nllEqual);
    expect(f.candidates).toBe(66);
  });
  it('keeps equal weights when the detectors are interchangeable', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ fake: i % 2 === 0, detectors: [score(i % 2 ? 0.3 : 0.7), score(i % 2 ? 0.3 : 0.7)] }));
    expect(fitWeights(items, 2).weights).toEqual([0.5, 0.5]);
  });
});

describe('wilsonLower', () => {
  it('is below the observed rate, tighter with more items, and 0 without items', () => {
    expect(wilsonLower(1, 0)).toBe(0);
    expect(wilsonLower(0.9, 20)).toBeLessThan(0.9);
    expect(wilsonLower(0.9, 2000)).toBeGreaterThan(wilsonLower(0.9, 20));
    expect(wilsonLower(0.9, 2000)).toBeCloseTo(0.889, 2);
    // A perfect record on 28 items: n / (n + z²).
    expect(wilsonLower(1, 28)).toBeCloseTo(28 / (28 + 1.645 ** 2), 10);
  });
});
