import { type Static, Type } from '@sinclair/typebox';
import { FrameResultSchema } from './frame-result-schema.js';
import type { Immutable } from './value-schemas.js';
import {
  MediaInfoSchema,
  Nullable,
  PlainVerdictSchema,
  SegmentFeaturesSchema,
  SourceEstimateSchema,
  UncertainSegmentSchema,
  UncertaintySchema,
  VerdictPolicySchema,
  VerdictResultSchema,
  VerdictSchema,
  VerdictWhySchema,
  VideoScoreSchema,
} from './value-schemas.js';

/**
 * The analysis report (JSON), defined once: these schemas are the type (`Static`), the response
 * schema fastify serialises GET /api/analyses/:id/report through, the `Report` component of the
 * OpenAPI document, and the source of docs/report-schema.md (`npm run docs`). See
 * value-schemas.ts for the rules every schema here follows.
 *
 * Versioned: `schemaVersion` changes whenever a field changes meaning or disappears; adding fields
 * keeps the version.
 */
export const REPORT_SCHEMA_VERSION = 1;

const closed = { additionalProperties: false } as const;

/**
 * A face's verdict is always fused (verdict.ts `fusedVerdict`), so it always has `disagreement`.
 * Required here, it is also serialised where the code puts it: fastify writes an object's
 * required properties before its optional ones.
 */
export const FusedVerdictSchema = Type.Object(
  {
    ...VerdictResultSchema.properties,
    disagreement: Nullable(Type.Number({ description: "weighted population std of the detectors' p(fake) (0 with one detector)" })),
  },
  { ...closed, title: 'FusedVerdict', description: 'A fused score and its three-way verdict.' },
);

export const TrackSummarySchema = Type.Object(
  {
    trackId: Type.Integer(),
    firstSeq: Type.Integer(),
    lastSeq: Type.Integer(),
    firstPtsMs: Type.Number(),
    lastPtsMs: Type.Number(),
    frames: Type.Integer({ description: 'frames on which the track was present (detected or predicted)' }),
    detectedFrames: Type.Integer({ description: 'frames on which the face detector confirmed it; on the others the box was predicted by the motion model' }),
    detectors: Type.Record(Type.String(), VideoScoreSchema, { description: "each detector's score over this face's frames" }),
    verdict: { ...FusedVerdictSchema, description: "this face's fused score and verdict under the summary's policy: with several faces, each gets its own answer" },
    plain: { ...PlainVerdictSchema, description: 'that verdict in words, as `summary.plain`' },
  },
  { ...closed, title: 'TrackSummary', description: 'One face followed over frames.' },
);

export const DetectorSummarySchema = Type.Object(
  {
    ...VideoScoreSchema.properties,
    applicable: Type.Boolean({ description: 'false when the detector cannot judge this input at all (rPPG on a photo, whose outputs are then `skipped` with the reason "not applicable to a still image")' }),
    okFrames: Type.Integer(),
    insufficientFrames: Type.Integer(),
    insufficientReasons: Type.Record(Type.String(), Type.Integer(), { description: '`{ reason: count }`, the five most frequent reasons for `insufficient`' }),
  },
  { ...closed, title: 'DetectorSummary', description: "One detector's score over the whole input." },
);

export const ReportSummarySchema = Type.Object(
  {
    verdict: VerdictSchema,
    why: VerdictWhySchema,
    reason: Type.String({ description: 'one line saying why, with the numbers' }),
    plain: PlainVerdictSchema,
    pFake: Nullable(Type.Number({ description: 'fused probability that the face(s) are synthetic (a weighted mixture of the detectors), or null without evidence' })),
    uncertainty: Nullable({ ...UncertaintySchema, description: 'uncertainty of the fused score' }),
    evidenceFrames: Type.Integer({ description: 'face-frames behind the fused score (the fewest of the detectors that count in the fusion)' }),
    disagreement: Nullable(Type.Number({ description: "weighted population std of the detectors' p(fake) (0 with one detector)" })),
    trackId: Nullable(Type.Integer({ description: 'the face (track) the verdict is about: a clip is as fake as its most fake face; null without faces' })),
    uncertainSegments: Type.Array(UncertainSegmentSchema, { description: "epistemic-spike alert segments (the same epistemic figure as the verdict's), per face" }),
    uncertainCoverage: Type.Number({ description: 'fraction of the face time the segments cover; above `policy.maxUncertainCoverage` the verdict is uncertain' }),
    policy: VerdictPolicySchema,
    attribution: Nullable(SourceEstimateSchema, { description: 'likely source (generator) from the uncertainty features; null without an attribution model or without evidence' }),
    features: SegmentFeaturesSchema,
    durationMs: Type.Number({ description: "the input's duration (the last frame's time when it is not known)" }),
    frames: Type.Integer({ description: 'analysed frames' }),
    framesWithFaces: Type.Integer(),
    tracks: Type.Integer({ description: 'face tracks' }),
    maxFacesPerFrame: Type.Integer(),
  },
  { ...closed, title: 'ReportSummary', description: 'The answer for the whole input.' },
);

const SourceGapSchema = Type.Object(
  {
    startPtsMs: Type.Number(),
    endPtsMs: Nullable(Type.Number({ description: 'null for an outage the source did not come back from' })),
    reason: Type.String(),
    attempts: Type.Integer(),
  },
  closed,
);

const AnalysisFactsSchema = Type.Object(
  {
    width: Type.Integer({ description: 'analysis frame width' }),
    height: Type.Integer(),
    fps: Nullable(Type.Number({ description: 'analysis rate; null = every frame' })),
    faceDetector: Type.String(),
    detectors: Type.Array(Type.String(), { description: 'detector names' }),
    startedAt: Type.String({ description: 'ISO 8601' }),
    finishedAt: Type.String({ description: 'ISO 8601' }),
    wallMs: Type.Number(),
    framesPerSecond: Type.Number({ description: 'analysed frames per wall-clock second' }),
    droppedFrames: Type.Integer({ description: 'live sources only' }),
    detectorErrors: Type.Integer(),
    complete: Type.Boolean({ description: 'false when the analysis was stopped or failed before the end of the input' }),
    gaps: Type.Optional(
      Type.Array(SourceGapSchema, { description: 'outages of a live source that reconnected (src/ingest/reconnect.ts), in media time; absent when none' }),
    ),
  },
  closed,
);

export const ReportSchema = Type.Object(
  {
    schemaVersion: Type.Integer({ description: `${REPORT_SCHEMA_VERSION}; changes when a field changes meaning or disappears` }),
    tool: Type.Object({ name: Type.Literal('fakescope'), version: Type.String({ description: 'package version' }) }, closed),
    input: Type.Object({ source: Type.String({ description: 'the path or URL as given (the server: the upload name or the masked URL)' }), media: MediaInfoSchema }, closed),
    analysis: AnalysisFactsSchema,
    summary: ReportSummarySchema,
    detectors: Type.Record(Type.String(), DetectorSummarySchema, { description: 'per-detector scores over the whole input' }),
    tracks: Type.Array(TrackSummarySchema, { description: 'one per face track' }),
    frames: Type.Array(FrameResultSchema, { description: 'one per analysed frame, in order (empty with `--no-frames`)' }),
  },
  { ...closed, title: 'Report', description: 'The analysis report; field by field in docs/report-schema.md.' },
);

export type TrackSummary = Immutable<Static<typeof TrackSummarySchema>>;
export type DetectorSummary = Immutable<Static<typeof DetectorSummarySchema>>;
export type ReportSummary = Immutable<Static<typeof ReportSummarySchema>>;
export type Report = Immutable<Static<typeof ReportSchema>>;
