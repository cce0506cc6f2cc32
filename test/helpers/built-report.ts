import { ReportBuilder } from '../../src/pipeline/report.js';
import type { Report } from '../../src/pipeline/report-schema.js';
import { summarizeSamples, withDistance } from '../../src/core/uncertainty.js';

/**
 * A report written by the builder with every optional part present: a closed epistemic-spike
 * segment, a source gap, a skipped detector, a detector output with measurements (one null),
 * regions, a map and an attribution, distance terms, fusion weights and the policy's source.
 * Frames are given with their keys in the order pipeline/analyze.ts writes them.
 */
export function reportWithEverything(): Report {
  const policy = { decisionThreshold: 0.5, margin: 0.05, maxEpistemic: 0.6, maxDisagreement: 0.5, minEvidenceFrames: 1, weights: { d: 1 }, source: 'unit' };
  const alerts = { windowFrames: 8, minBaselineFrames: 3, openZ: 3, closeZ: 1, minScale: 0.001, minDurationMs: 0, closeAfterMs: 0 };
  const b = new ReportBuilder(['d', 'e'], true, null, policy, new Set(['e']), alerts);
  const p = { x: 1, y: 2 };
  for (let seq = 0; seq < 8; seq++) {
    // An epistemic spike on frames 4 and 5 opens and closes an alert segment.
    const u = withDistance(summarizeSamples(seq === 4 || seq === 5 ? [0.1, 0.9, 0.1, 0.9] : [0.7, 0.71, 0.72])!, 0.2);
    b.add({
      streamId: 's',
      seq,
      ptsMs: seq * 40,
      width: 64,
      height: 48,
      faces: [
        {
          trackId: 1,
          box: { x: 1, y: 2, w: 30, h: 30 },
          landmarks: { leftEye: p, rightEye: p, noseTip: p, mouth: p, leftEar: p, rightEar: p },
          score: 0.9,
          source: seq % 2 ? 'predicted' : 'detected',
          detectors: {
            d: {
              state: 'ok',
              pFake: u.mean,
              uncertainty: u,
              measurements: { tEff: 3, hr: null },
              regions: { nose: summarizeSamples([0.6, 0.7])! },
              map: { gridW: 1, gridH: 1, cropSize: 8, pFake: [0.5], epistemic: [0.01] },
              attribution: { classes: ['real', 'sbi'], probabilities: [0.3, 0.7], top: 'sbi', entropy: 0.6, epistemic: 0.01 },
            },
            e: { state: 'skipped', pFake: null, uncertainty: null, reason: 'not applicable to a still image' },
          },
        },
      ],
      endedTracks: seq === 7 ? [1] : [],
      timing: { facesMs: 1, detectorsMs: 2 },
    });
  }
  return b.build(
    {
      tool: { name: 'fakescope', version: 't' },
      input: {
        source: 'x.mp4',
        media: { fps: 25, width: 64, height: 48, displayWidth: 64, displayHeight: 48, rotation: 0, codec: 'h264', pixelFormat: 'yuv420p', profile: null, frameCount: 4, variableFrameRate: false, durationMs: 160, hasAudio: false, formatName: 'mov', still: false },
      },
      analysis: {
        width: 64,
        height: 48,
        fps: null,
        faceDetector: 'f',
        detectors: ['d', 'e'],
        startedAt: 'a',
        finishedAt: 'b',
        wallMs: 1,
        framesPerSecond: 4,
        droppedFrames: 0,
        detectorErrors: 0,
        complete: true,
        gaps: [{ startPtsMs: 40, endPtsMs: null, reason: 'lost', attempts: 2 }],
      },
    },
    policy,
  );
}
