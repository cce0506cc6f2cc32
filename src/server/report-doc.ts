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
