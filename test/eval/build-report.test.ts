import { describe, expect, it } from 'vitest';
import { trainAttribution } from '../../src/eval/attribution-train.js';
import { buildEvalReport, sampleSizeNotes, verdictMetrics } from '../../src/eval/build-report.js';
import type { ClipResult } from '../../src/eval/types.js';
import { estimateSource } from '../../src/pipeline/attribution.js';

const policy = { decisionThreshold: 0.5, margin: 0.1, maxEpistemic: 0.2, maxDisagreement: 0.3, minEvidenceFrames: 5, source: 'unit test' };

function clip(file: string, label: 'real' | 'fake', method: string, p: number, epistemic: number, verdict: ClipResult['verdict'], features: Record<string, number> = {}): ClipResult {
  const s = { pFake: p, std: 0.1, entropy: 0.6, aleatoric: 0.6 - epistemic, epistemic, evidenceFrames: 20 };
  return {
    item: { file, label, method },
    perturbation: 'none',
    detectors: { a: s, b: { ...s, pFake: 1 - p } },
    fused: { ...s, disagreement: Math.abs(2 * p - 1) / 2 },
    verdict,
    reason: verdict === 'uncertain' ? 'epistemic uncertainty 0.3 nats > 0.2' : 'p',
    attribution: null,
    features,
    frames: 30,
    framesWithFaces: 30,
    wallMs: 100,
  };
}

const clips = [
  clip('r1', 'real', '-', 0.2, 0.01, 'real'),
  clip('r2', 'real', '-', 0.3, 0.02, 'real'),
  clip('r3', 'real', '-', 0.7, 0.3, 'uncertain'),
  clip('f1', 'fake', 'swap', 0.8, 0.01, 'fake'),
  clip('f2', 'fake', 'swap', 0.9, 0.01, 'fake'),
  clip('f3', 'fake', 'sbi', 0.4, 0.25, 'uncertain'),
];

describe('buildEvalReport', () => {
  const report = buildEvalReport({
    datasetPath: '/d',
    version: 't',
    createdAt: 'now',
    detectors: ['a', 'b'],
    policy,
    attribution: null,
    clean: [...clips, { ...clips[0]!, item: { file: 'bad', label: 'real', method: '-' }, error: 'corrupt', fused: { ...clips[0]!.fused, pFake: null } }],
    perturbed: [{ name: 'noise', description: 'd', results: clips.map((c) => ({ ...c, perturbation: 'noise' })) }],
    adversarial: null,
    notes: ['n'],
    bootstrapResamples: 50,
  });

  it('scores the fusion and each detector, with sample sizes, leaving failed clips out', () => {
    const f = report.binary.fused!;
    expect(f.n).toBe(6);
    expect([f.nReal, f.nFake]).toEqual([3, 3]);
    // Fake scores 0.8, 0.9, 0.4 vs real 0.2, 0.3, 0.7: 8 of 9 pairs ordered.
    expect(f.auc).toBeCloseTo(8 / 9, 12);
    expect(f.accuracy).toBeCloseTo(4 / 6, 12);
    // Both errors (r3, f3) have the highest epistemic uncertainty.
    expect(f.epistemicErrorAuroc).toBe(1);
    expect(report.binary.b!.auc).toBeCloseTo(1 / 9, 12);
    expect(f.aucCi!.lo).toBeLessThanOrEqual(f.auc!);
  });

  it('shows what abstaining buys', () => {
    expect(report.verdicts.answered).toBe(4);
    expect(report.verdicts.accuracyAnswered).toBe(1);
    expect(report.verdicts.accuracyForced).toBeCloseTo(4 / 6, 12);
    expect(report.verdicts.byVerdict.uncertain).toEqual({ real: 1, fake: 1 });
    expect(Object.keys(report.verdicts.reasons)).toEqual(['epistemic uncertainty # nats > #']);
  });

  it('lists disagreement by spread, robustness rows, dataset counts and notes', () => {
    expect(report.disagreement[0]!.spread).toBeGreaterThanOrEqual(report.disagreement[5]!.spread!);
    expect(report.robustness.map((r) => r.perturbation)).toEqual(['none', 'noise']);
    expect(report.robustness[1]!.auc).toBeCloseTo(8 / 9, 12);
    expect(report.dataset).toMatchObject({ items: 7, real: 4, fake: 3, methods: { '-': 4, swap: 2, sbi: 1 } });
    expect(report.policy).toEqual({ values: { decisionThreshold: 0.5, margin: 0.1, maxEpistemic: 0.2, maxDisagreement: 0.3, minEvidenceFrames: 5 }, weights: null, calibration: null, source: 'unit test' });
    expect(report.clips.length).toBe(13);
    // The caller's notes, after the sample-size warning this tiny set earns.
    expect(report.notes).toEqual([expect.stringMatching(/^Small sample: \d+ real and \d+ fake clips/), 'n']);
  });
});

describe('attribution and leave-one-generator-out', () => {
  it('scores attribution with unknown for methods the model never saw, and refits without each generator', () => {
    const centre: Record<string, number[]> = { real: [0, 0], swap: [4, 0], sbi: [0, 4] };
    const rows: number[][] = [];
    const labels: string[] = [];
    for (const [l, [x, y]] of Object.entries(centre)) {
      for (let i = 0; i < 12; i++) {
        rows.push([x! + (i % 3) * 0.1, y! + (i % 4) * 0.1]);
        labels.push(l);
      }
    }
    const model = trainAttribution(['x', 'y'], rows, labels, { training: { source: 'unit' }, keepData: true });
    const mk = (file: string, label: 'real' | 'fake', method: string, x: number, y: number) => {
      const c = clip(file, label, method, label === 'fake' ? 0.8 : 0.2, method === 'sbi' ? 0.3 : 0.01, label, { x, y });
      const e = estimateSource(model, c.features)!;
      return { ...c, attribution: { classes: e.classes, probabilities: e.probabilities, top: e.top, entropy: e.entropy } };
    };
    const set = [mk('r', 'real', '-', 0, 0), mk('s', 'fake', 'swap', 4, 0), mk('b', 'fake', 'sbi', 0, 4), mk('n', 'fake', 'newgen', 2, 2)];
    const report = buildEvalReport({ datasetPath: '/d', version: 't', createdAt: 'now', detectors: ['a'], policy, attribution: model, clean: set, perturbed: [], adversarial: null, notes: [] });
    const a = report.attribution!;
    expect(a.classes).toEqual(['real', 'sbi', 'swap', 'unknown']);
    expect(a.n).toBe(4);
    expect(a.confusion[0]![0]).toBe(1);
    expect(a.confusion[2]![2]).toBe(1);
    expect(a.confusion[3]!.reduce((x, y) => x + y, 0)).toBe(1); // newgen counts as truth 'unknown'
    expect(report.logo!.map((r) => r.heldOut)).toEqual(['sbi', 'swap']);
    const sbi = report.logo!.find((r) => r.heldOut === 'sbi')!;
    expect(sbi.nHeldOut).toBe(1);
    expect(sbi.nSeen).toBe(2);
    expect(sbi.epistemicAuroc).toBe(1); // the held-out fake has the higher epistemic uncertainty
    // A set without any of the known generators has no LOGO rows at all.
    const none = buildEvalReport({ datasetPath: '/d', version: 't', createdAt: 'now', detectors: ['a'], policy, attribution: model, clean: [set[0]!, set[3]!], perturbed: [], adversarial: null, notes: [] });
    expect(none.logo).toBeNull();
  });
});

describe('verdictMetrics', () => {
  it('handles an empty set', () => {
    expect(verdictMetrics([], 0.5)).toMatchObject({ n: 0, answered: 0, coverage: null, accuracyAnswered: null });
  });
});

describe('sample-size warning', () => {
  const m = (nReal: number, nFake: number, ci: { lo: number; hi: number } | null) =>
    ({ fused: { nReal, nFake, aucCi: ci === null ? null : { ...ci, resamples: 1000 } } }) as unknown as Parameters<typeof sampleSizeNotes>[0];
  it('warns with the interval widths when either label has fewer than 30 clips', () => {
    const [note] = sampleSizeNotes(m(4, 8, { lo: 0.25, hi: 1 }));
    expect(note).toBe(
      "Small sample: 4 real and 8 fake clips (fewer than 30 of each); the fused AUC's 95 % interval is 0.75 wide [0.25, 1.00], and an accuracy on 12 clips is uncertain by about ±0.28. Do not draw conclusions from these numbers.",
    );
  });
  it('says nothing for a set large enough', () => {
    expect(sampleSizeNotes(m(30, 45, { lo: 0.7, hi: 0.8 }))).toEqual([]);
  });
});
