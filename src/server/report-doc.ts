import { Type } from '@sinclair/typebox';

/**
 * The JSON report's shape for the OpenAPI document (documentation only: the report is written by
 * src/pipeline/report.ts and streamed from disk, never re-serialized through this schema). Top
 * level and the summary are spelled out; deeper objects point at docs/report-schema.md.
 */
const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);
const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });
const Verdict = Type.Union([Type.Literal('real'), Type.Literal('fake'), Type.Literal('uncertain')]);

export const ReportDoc = Type.Object(
  {
    schemaVersion: Type.Integer({ description: 'changes when a field changes meaning or disappears' }),
    tool: Type.Object({ name: Type.Literal('fakescope'), version: Type.String() }),
    input: Type.Object({ source: Type.String(), media: Open('ffprobe facts: durationMs, fps, width, height, displayWidth, displayHeight, rotation, codec, …, still') }),
    analysis: Open('width, height, fps, faceDetector, detectors, startedAt, finishedAt, wallMs, framesPerSecond, droppedFrames, detectorErrors, complete'),
    summary: Type.Object(
      {
        verdict: Verdict,
        why: Type.String({ description: 'stable code: decided, no-answer, too-few-frames, out-of-distribution, disagreement, near-threshold, uncertain-segments' }),
        reason: Type.String(),
        plain: Type.Object({
          headline: Type.String(),
          explanation: Type.String(),
          confidence: Type.Object({ level: Type.Union([Type.Literal('none'), Type.Literal('low'), Type.Literal('moderate'), Type.Literal('high')]), words: Type.String(), pFake: Nullable(Type.Number()) }),
          nextSteps: Type.Array(Type.String()),
        }),
        pFake: Nullable(Type.Number()),
        evidenceFrames: Type.Integer(),
        uncertainty: Type.Union([Open('mean, std, entropy, aleatoric, epistemic (nats), samples'), Type.Null()]),
        policy: Open('decisionThreshold, margin, maxEpistemic, maxDisagreement, minEvidenceFrames, weights, source'),
        frames: Type.Integer(),
        framesWithFaces: Type.Integer(),
        tracks: Type.Integer(),
      },
      { additionalProperties: true },
    ),
    detectors: Type.Record(Type.String(), Open('DetectorSummary: applicable, pFake, uncertainty, evidenceFrames, okFrames, insufficientFrames, insufficientReasons')),
    tracks: Type.Array(Open('TrackSummary: trackId, first/last seq and ptsMs, frames, detectedFrames, detectors, verdict, plain')),
    frames: Type.Array(Open('FrameResult: seq, ptsMs, faces[] (box, landmarks, detectors, verdict), endedTracks, timing')),
  },
  { additionalProperties: true, description: 'The analysis report; field by field in docs/report-schema.md' },
);

const Regions = Type.Union([Type.Literal('forehead'), Type.Literal('leftEye'), Type.Literal('rightEye'), Type.Literal('nose'), Type.Literal('leftCheek'), Type.Literal('rightCheek'), Type.Literal('mouth')]);
const PerRegion = <T extends Parameters<typeof Type.Record>[1]>(t: T) => Type.Record(Regions, t);
const Plain = Type.Object({
  headline: Type.String({ description: '"Likely manipulated", "No sign of manipulation found" or "Can\'t tell"' }),
  explanation: Type.String(),
  confidence: Type.Object({ level: Type.Union([Type.Literal('none'), Type.Literal('low'), Type.Literal('moderate'), Type.Literal('high')]), words: Type.String(), pFake: Nullable(Type.Number()) }),
  nextSteps: Type.Array(Type.String()),
});

/**
 * GET /api/analyses/:id/summary: the report for people (src/report/human-report.ts `HumanReport`),
 * documentation only like `ReportDoc`; test/server/openapi.test.ts checks real answers against it.
 */
export const SummaryDoc = Type.Object(
  {
    source: Type.String(),
    still: Type.Boolean({ description: 'a photo: no timeline, no moments' }),
    complete: Type.Boolean(),
    verdict: Verdict,
    plain: Plain,
    pFake: Nullable(Type.Number()),
    threshold: Type.Number({ description: "the verdict line on the fused p(fake)" }),
    faces: Type.Array(Type.Object({ trackId: Type.Integer(), startMs: Type.Number(), endMs: Type.Number(), verdict: Verdict, headline: Type.String(), pFake: Nullable(Type.Number()) })),
    moments: Type.Array(Type.Object({ startMs: Type.Number(), endMs: Type.Number(), score: Type.Number(), peakSeq: Type.Integer(), trackIds: Type.Array(Type.Integer()) }), { description: 'up to 3 one-second windows with the highest fused score, in time order' }),
    regions: Type.Union([
      Type.Object({
        detector: Type.String(),
        scores: PerRegion(Nullable(Type.Number())),
        fills: PerRegion(Type.String({ description: 'CSS colour, relative to the face\'s other regions' })),
        standsOut: Type.Boolean(),
        caption: Type.String(),
      }),
      Type.Null(),
    ]),
    detectors: Type.Array(
      Type.Object({
        name: Type.String(),
        pFake: Nullable(Type.Number()),
        weight: Type.Number(),
        stance: Type.Union([Type.Literal('agrees'), Type.Literal('disagrees'), Type.Literal('not counted'), Type.Literal('no answer'), Type.Literal('not applicable')]),
      }),
    ),
    likelySource: Type.Union([Type.String({ description: 'which generator probably made it, in words' }), Type.Null()]),
  },
  { additionalProperties: false, description: 'The report for people as data: verdict in words, faces, moments, regions, detectors' },
);
