import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Attribution, DetectorOutput, UncertaintyMap } from '../../src/detectors/contract.js';
import type { MediaInfo } from '../../src/ingest/index.js';
import type { SourceEstimate } from '../../src/pipeline/attribution.js';
import type { Box, FaceLandmarks, Point } from '../../src/core/geometry.js';
import { ReportBuilder } from '../../src/pipeline/report.js';
import { ReportSchema } from '../../src/pipeline/report-schema.js';
import type { SegmentFeatures } from '../../src/pipeline/segment-features.js';
import type { UncertaintyStats } from '../../src/core/uncertainty.js';
import { summarizeSamples, withDistance } from '../../src/core/uncertainty.js';
import type * as values from '../../src/pipeline/value-schemas.js';
import type { UncertainSegment, Verdict, VerdictPolicy, VerdictResult, VerdictWhy, VideoScore } from '../../src/pipeline/verdict.js';
import type { ConfidenceLevel, PlainVerdict } from '../../src/pipeline/plain-language.js';

/** The deeply readonly static type of a schema, as the report's types are derived. */
type Of<S extends TSchema> = values.Immutable<Static<S>>;

describe('value schemas', () => {
  it('have exactly the types of the interfaces they mirror (checked by `npm run typecheck`)', () => {
    expectTypeOf<Of<typeof values.PointSchema>>().toEqualTypeOf<values.Immutable<Point>>();
    expectTypeOf<Of<typeof values.BoxSchema>>().toEqualTypeOf<values.Immutable<Box>>();
    expectTypeOf<Of<typeof values.FaceLandmarksSchema>>().toEqualTypeOf<values.Immutable<FaceLandmarks>>();
    expectTypeOf<Of<typeof values.UncertaintySchema>>().toEqualTypeOf<values.Immutable<UncertaintyStats>>();
    expectTypeOf<Of<typeof values.UncertaintyMapSchema>>().toEqualTypeOf<values.Immutable<UncertaintyMap>>();
    expectTypeOf<Of<typeof values.DetectorAttributionSchema>>().toEqualTypeOf<values.Immutable<Attribution>>();
    expectTypeOf<Of<typeof values.DetectorStateSchema>>().toEqualTypeOf<DetectorOutput['state']>();
    expectTypeOf<Of<typeof values.DetectorOutputSchema>>().toEqualTypeOf<values.Immutable<DetectorOutput>>();
    expectTypeOf<Of<typeof values.MediaInfoSchema>>().toEqualTypeOf<values.Immutable<MediaInfo>>();
    expectTypeOf<Of<typeof values.VerdictSchema>>().toEqualTypeOf<Verdict>();
    expectTypeOf<Of<typeof values.VerdictWhySchema>>().toEqualTypeOf<VerdictWhy>();
    expectTypeOf<Of<typeof values.VerdictPolicySchema>>().toEqualTypeOf<values.Immutable<VerdictPolicy & { source?: string }>>();
    expectTypeOf<Of<typeof values.VideoScoreSchema>>().toEqualTypeOf<values.Immutable<VideoScore>>();
    expectTypeOf<Of<typeof values.VerdictResultSchema>>().toEqualTypeOf<values.Immutable<VerdictResult>>();
    expectTypeOf<Of<typeof values.UncertainSegmentSchema>>().toEqualTypeOf<values.Immutable<UncertainSegment>>();
    expectTypeOf<Of<typeof values.ConfidenceLevelSchema>>().toEqualTypeOf<ConfidenceLevel>();
    expectTypeOf<Of<typeof values.PlainVerdictSchema>>().toEqualTypeOf<values.Immutable<PlainVerdict>>();
    expectTypeOf<Of<typeof values.SourceEstimateSchema>>().toEqualTypeOf<values.Immutable<SourceEstimate>>();
    expectTypeOf<Of<typeof values.SegmentFeaturesSchema>>().toEqualTypeOf<values.Immutable<SegmentFeatures>>();
  });
});

describe('ReportSchema', () => {
  it('accepts a report the builder wrote, every optional part present, and nothing more', () => {
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
        endedTracks: seq === 7 ? [1] : [],
        timing: { facesMs: 1, detectorsMs: 2 },
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
      });
    }
    const report = b.build(
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
    expect(report.summary.uncertainSegments).toHaveLength(1);
    const plain = JSON.parse(JSON.stringify(report)) as unknown;
    expect([...Value.Errors(ReportSchema, plain)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
    expect(Value.Check(ReportSchema, { ...(plain as object), extra: 1 })).toBe(false);
  });
});
