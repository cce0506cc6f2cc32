import { describe, expect, it } from 'vitest';
import type { DetectorOutput } from '../../src/detectors/contract.js';
import { clipResult, reapply, scoreFromFeatures, segmentRows } from '../../src/eval/clip-result.js';
import type { FrameResult } from '../../src/pipeline/frame-result-schema.js';
import type { Report } from '../../src/pipeline/report-schema.js';
import { ReportBuilder } from '../../src/pipeline/report.js';
import { summarizeSamples } from '../../src/core/uncertainty.js';

const ok = (samples: number[]): DetectorOutput => {
  const u = summarizeSamples(samples)!;
  return { state: 'ok', pFake: u.mean, uncertainty: u };
};
const frame = (seq: number, a: number[], b: number[]): FrameResult => ({
  streamId: 's',
  seq,
  ptsMs: seq * 40,
  width: 64,
  height: 64,
  faces: [{ trackId: 1, box: { x: 0, y: 0, w: 10, h: 10 }, landmarks: {} as never, score: 1, source: 'detected', detectors: { a: ok(a), b: ok(b) } }],
  endedTracks: [],
  timing: { facesMs: 0, detectorsMs: 0 },
});
const policy = { decisionThreshold: 0.5, margin: 0.05, maxEpistemic: 0.6, maxDisagreement: 0.5, minEvidenceFrames: 3 };
const meta = {
  tool: { name: 'fakescope' as const, version: 't' },
  input: { source: 'x', media: {} as Report['input']['media'] },
  analysis: { width: 64, height: 64, fps: null, faceDetector: 'f', detectors: ['a', 'b'], startedAt: '', finishedAt: '', wallMs: 0, framesPerSecond: 0, droppedFrames: 0, detectorErrors: 0, complete: true },
};

function report(p: typeof policy & { weights?: Record<string, number> }) {
  const b = new ReportBuilder(['a', 'b'], true);
  for (let i = 0; i < 12; i++) b.add(frame(i, [0.8, 0.9, 0.7], [0.3, 0.2]));
  return b.build(meta, p);
}

describe('reapply', () => {
  it('reproduces the analyzer\'s fused score and verdict from the per-detector scores', () => {
    const r = report(policy);
    const c = clipResult({ file: 'x', label: 'fake', method: 'm' }, 'none', r, 1);
    const again = reapply(c, policy, null);
    expect(again.fused.pFake).toBeCloseTo(r.summary.pFake as number, 12);
    expect(again.fused.epistemic).toBeCloseTo(r.summary.uncertainty?.epistemic as number, 12);
    expect(again.fused.disagreement).toBeCloseTo(r.summary.disagreement as number, 12);
    expect(again.verdict).toBe(r.summary.verdict);
  });
  it('follows a new policy: weights change the fused score and verdict as the analyzer would', () => {
    const weighted = { ...policy, weights: { a: 1, b: 0 } };
    const c = clipResult({ file: 'x', label: 'fake', method: 'm' }, 'none', report(policy), 1);
    const r2 = report(weighted);
    const again = reapply(c, weighted, null);
    expect(again.fused.pFake).toBeCloseTo(0.8, 12);
    expect(again.fused.pFake).toBeCloseTo(r2.summary.pFake as number, 12);
    expect(again.verdict).toBe('fake');
    expect(again.verdict).toBe(r2.summary.verdict);
  });
});

describe('reapply decides a clip as the analyzer does', () => {
  const twoFaces = (seq: number): FrameResult => {
    const f = frame(seq, [0.2, 0.25], [0.2, 0.3]);
    const face = f.faces[0]!;
    return { ...f, faces: [face, { ...face, trackId: 2, detectors: { a: ok([0.9, 0.85]), b: ok([0.8, 0.9]) } }] };
  };

  it('the most fake face decides, and the fused score is that face\'s, not the pooled face-frames\'', () => {
    const b = new ReportBuilder(['a', 'b'], true);
    for (let i = 0; i < 12; i++) b.add(twoFaces(i));
    const r = b.build(meta, policy);
    expect(r.summary).toMatchObject({ verdict: 'fake', trackId: 2 });
    const again = reapply(clipResult({ file: 'x', label: 'fake', method: 'm' }, 'none', r, 1), policy, null);
    expect(again.verdict).toBe('fake');
    expect(again.reason).toBe(r.summary.reason);
    expect(again.fused.pFake).toBeCloseTo(r.summary.pFake as number, 12);
    expect(again.fused.pFake).toBeGreaterThan(0.8);
    // A result cached before faces were recorded falls back to the pooled face-frames (0.2 … 0.9 → ~0.55).
    const { tracks: _t, ...old } = clipResult({ file: 'x', label: 'fake', method: 'm' }, 'none', r, 1);
    expect(reapply(old, policy, null).fused.pFake).toBeLessThan(0.6);
  });

  it('alert coverage above the policy\'s limit makes a decided clip uncertain, as in the report', () => {
    const weighted = { ...policy, weights: { a: 1, b: 0 } };
    const c = { ...clipResult({ file: 'x', label: 'fake', method: 'm' }, 'none', report(weighted), 1), uncertainCoverage: 0.8 };
    expect(reapply({ ...c, uncertainCoverage: 0 }, weighted, null).verdict).toBe('fake');
    const again = reapply(c, weighted, null);
    expect(again.verdict).toBe('uncertain');
    expect(again.reason).toMatch(/^epistemic-spike alerts cover 80 % of the face time/);
    expect(reapply(c, { ...weighted, maxUncertainCoverage: 0.9 }, null).verdict).toBe('fake');
  });
});

describe('segmentRows / scoreFromFeatures', () => {
  it('cuts windows with fused scores and rebuilds each detector\'s score from the features', () => {
    const frames = Array.from({ length: 20 }, (_, i) => frame(i, [0.8], [0.2]));
    const rows = segmentRows(frames, ['a', 'b'], 10);
    expect(rows.length).toBe(2);
    expect(rows[0]!.p).toBeCloseTo(0.5, 12);
    expect(rows[0]!.disagreement).toBeCloseTo(0.3, 12);
    expect(scoreFromFeatures(rows[0]!.features, 'a')?.pFake).toBeCloseTo(0.8, 12);
    expect(scoreFromFeatures(rows[0]!.features, 'zzz')).toBeNull();
  });
});
