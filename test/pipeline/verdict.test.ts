import { describe, expect, it } from 'vitest';
import { poolStats, summarizeSamples } from '../../src/pipeline/uncertainty.js';
import type { VerdictPolicy } from '../../src/pipeline/verdict.js';
import { decideVerdict, fuseScores, videoScore } from '../../src/pipeline/verdict.js';

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
