import { describe, expect, it } from 'vitest';
import type { AttackedCrop } from '../../src/eval/adversarial-summary.js';
import { summarizeAdversarial } from '../../src/eval/adversarial-summary.js';

const SETUP = { detector: 'blind-x', method: 'square', epsilon: 4 / 255, queries: 50 };

function crop(file: string, before: [number, number], after: [number, number]): AttackedCrop {
  return {
    file,
    seq: 0,
    trackId: 1,
    before: { pFake: before[0], epistemic: before[1] },
    after: { pFake: after[0], epistemic: after[1] },
    cleanScore: 1,
    attackedScore: 0,
    queries: 50,
  };
}

describe('summarizeAdversarial', () => {
  it('reports no crops with null rates and means', () => {
    expect(summarizeAdversarial(SETUP, [])).toEqual({
      ...SETUP,
      crops: 0,
      clips: 0,
      meanPFakeBefore: null,
      meanPFakeAfter: null,
      detectedBefore: 0,
      flipRate: null,
      meanEpistemicBefore: null,
      meanEpistemicAfter: null,
      epistemicRoseFraction: null,
    });
  });

  it.each([
    {
      what: 'one of two detected crops flips; epistemic rises on two of three',
      crops: [crop('a', [0.8, 0.01], [0.3, 0.05]), crop('a', [0.6, 0.02], [0.55, 0.02]), crop('b', [0.2, 0.03], [0.1, 0.04])],
      want: { crops: 3, clips: 2, detectedBefore: 2, flipRate: 0.5, epistemicRoseFraction: 2 / 3, meanPFakeBefore: 1.6 / 3, meanPFakeAfter: 0.95 / 3, meanEpistemicBefore: 0.02, meanEpistemicAfter: 0.11 / 3 },
    },
    {
      what: 'nothing was detected before: no flip rate',
      crops: [crop('a', [0.4, 0.01], [0.2, 0.0])],
      want: { crops: 1, clips: 1, detectedBefore: 0, flipRate: null, epistemicRoseFraction: 0 },
    },
    {
      what: 'p exactly 0.5 counts as detected, and staying at 0.5 is no flip',
      crops: [crop('a', [0.5, 0.01], [0.5, 0.01]), crop('a', [0.9, 0.01], [0.49999, 0.02])],
      want: { crops: 2, clips: 1, detectedBefore: 2, flipRate: 0.5, epistemicRoseFraction: 0.5 },
    },
  ])('$what', ({ crops, want }) => {
    const r = summarizeAdversarial(SETUP, crops);
    for (const [k, v] of Object.entries(want)) {
      if (v === null) expect(r[k as keyof typeof r]).toBeNull();
      else expect(r[k as keyof typeof r]).toBeCloseTo(v as number, 12);
    }
    expect(r.detector).toBe('blind-x');
  });
});
