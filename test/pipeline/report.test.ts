import { describe, expect, it } from 'vitest';
import type { DetectorOutput } from '../../src/detectors/contract.js';
import { trainAttribution } from '../../src/eval/attribution-train.js';
import type { FaceResult, FrameResult } from '../../src/pipeline/frame-result-schema.js';
import type { Report } from '../../src/pipeline/report-schema.js';
import { ReportBuilder } from '../../src/pipeline/report.js';
import { summarizeSamples } from '../../src/core/uncertainty.js';

const ok = (samples: number[]): DetectorOutput => {
  const u = summarizeSamples(samples)!;
  return { state: 'ok', pFake: u.mean, uncertainty: u };
};
const face = (trackId: number, a: number[], b: number[]): FaceResult => ({
  trackId,
  box: { x: 0, y: 0, w: 10, h: 10 },
  landmarks: {} as never,
  score: 1,
  source: 'detected',
  detectors: { a: ok(a), b: ok(b) },
});
const frame = (seq: number, faces: FaceResult[]): FrameResult => ({ streamId: 's', seq, ptsMs: seq * 40, width: 64, height: 64, faces, endedTracks: [], timing: { facesMs: 0, detectorsMs: 0 } });
const meta = {
  tool: { name: 'fakescope' as const, version: 't' },
  input: { source: 'x', media: {} as Report['input']['media'] },
  analysis: { width: 64, height: 64, fps: null, faceDetector: 'f', detectors: ['a', 'b'], startedAt: '', finishedAt: '', wallMs: 0, framesPerSecond: 0, droppedFrames: 0, detectorErrors: 0, complete: true },
};
const policy = { decisionThreshold: 0.5, margin: 0.1, maxEpistemic: 0.6, maxDisagreement: 0.5, minEvidenceFrames: 3, weights: { a: 1, b: 1 }, source: 'unit' };

describe('ReportBuilder', () => {
  it('gives each face its own fused verdict and the clip the verdict of its most fake face', () => {
    const b = new ReportBuilder(['a', 'b'], false);
    for (let i = 0; i < 10; i++) b.add(frame(i, [face(1, [0.9, 0.8], [0.85]), face(2, [0.1, 0.2], [0.15])]));
    const r = b.build(meta, policy);
    const byTrack = Object.fromEntries(r.tracks.map((t) => [t.trackId, t.verdict]));
    expect(byTrack[1]?.verdict).toBe('fake');
    expect(byTrack[2]?.verdict).toBe('real');
    // a clip is fake when any of its faces is (a fake video can also show untouched people)
    expect(r.summary.verdict).toBe('fake');
    expect(r.summary.trackId).toBe(1);
    expect(r.summary.pFake).toBeCloseTo(byTrack[1]?.pFake as number, 12);
    expect(r.summary.reason).toMatch(/^face 1 of 2: /);
    expect(r.summary.uncertainSegments).toEqual([]);
    expect(r.summary.policy.source).toBe('unit');
    expect(r.summary.attribution).toBeNull(); // no model
    expect(r.summary.features['a.okFraction']).toBe(1);
    expect(r.frames).toEqual([]); // keepFrames false
    // fusion weights apply per face: with b's weight 0 face 1 is a's 0.85 alone
    const weighted = b.build(meta, { ...policy, weights: { a: 1, b: 0 } });
    expect(weighted.summary.pFake).toBeCloseTo(0.85, 10);
    expect(weighted.detectors.a?.pFake).toBeCloseTo(0.5, 10); // the clip-wide detector score pools both faces
  });

  it('estimates the source with a model when there is evidence', () => {
    const names = ['a.pFake', 'b.pFake'];
    const rows = [...Array.from({ length: 10 }, (_, i) => [0.1 + i * 0.01, 0.1]), ...Array.from({ length: 10 }, (_, i) => [0.9 - i * 0.01, 0.9])];
    const labels = [...Array<string>(10).fill('real'), ...Array<string>(10).fill('swap')];
    const model = trainAttribution(names, rows, labels, { training: { source: 'unit' } });
    const b = new ReportBuilder(['a', 'b'], true, model);
    for (let i = 0; i < 10; i++) b.add(frame(i, [face(1, [0.9], [0.9])]));
    expect(b.build(meta, policy).summary.attribution?.best).toBe('swap');
    const empty = new ReportBuilder(['a', 'b'], true, model);
    expect(empty.build(meta, policy).summary.attribution).toBeNull(); // no evidence, no guess
  });
});
