import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { ReportBuilder } from '../../src/pipeline/report.js';
import type { Report } from '../../src/pipeline/report-schema.js';
import { ReportSchema as ReportDoc } from '../../src/pipeline/report-schema.js';
import { summarizeSamples } from '../../src/core/uncertainty.js';

/** The OpenAPI description of the report must accept what ReportBuilder writes (so it cannot drift). */
describe('ReportDoc', () => {
  it('accepts a built report and rejects one without a summary verdict', () => {
    const policy = { decisionThreshold: 0.5, margin: 0.05, maxEpistemic: 0.6, maxDisagreement: 0.5, minEvidenceFrames: 1, source: 'unit' };
    const b = new ReportBuilder(['d'], true, null, policy);
    const u = summarizeSamples([0.7, 0.8])!;
    const p = { x: 1, y: 1 };
    const media: Report['input']['media'] = { fps: 25, width: 8, height: 8, displayWidth: 8, displayHeight: 8, rotation: 0, codec: 'h264', pixelFormat: null, profile: null, frameCount: 1, variableFrameRate: false, durationMs: 40, hasAudio: false, formatName: 'mov', still: false };
    b.add({ streamId: 's', seq: 0, ptsMs: 0, width: 8, height: 8, endedTracks: [], timing: { facesMs: 0, detectorsMs: 0 }, faces: [{ trackId: 1, box: { x: 0, y: 0, w: 4, h: 4 }, landmarks: { leftEye: p, rightEye: p, noseTip: p, mouth: p, leftEar: p, rightEar: p }, score: 1, source: 'detected', detectors: { d: { state: 'ok', pFake: u.mean, uncertainty: u } } }] });
    const report = b.build(
      {
        tool: { name: 'fakescope', version: 't' },
        input: { source: 'x', media },
        analysis: { width: 8, height: 8, fps: null, faceDetector: 'f', detectors: ['d'], startedAt: '', finishedAt: '', wallMs: 0, framesPerSecond: 0, droppedFrames: 0, detectorErrors: 0, complete: true },
      },
      policy,
    );
    const plain = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    expect([...Value.Errors(ReportDoc, plain)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
    const broken = { ...plain, summary: { ...(plain.summary as object), verdict: 'maybe' } };
    expect(Value.Check(ReportDoc, broken)).toBe(false);
  });
});
