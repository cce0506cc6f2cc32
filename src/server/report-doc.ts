import { Type } from '@sinclair/typebox';
import { Nullable, PlainVerdictSchema, VerdictSchema } from '../pipeline/value-schemas.js';

const Regions = Type.Union([Type.Literal('forehead'), Type.Literal('leftEye'), Type.Literal('rightEye'), Type.Literal('nose'), Type.Literal('leftCheek'), Type.Literal('rightCheek'), Type.Literal('mouth')]);
const PerRegion = <T extends Parameters<typeof Type.Record>[1]>(t: T) => Type.Record(Regions, t);

/**
 * GET /api/analyses/:id/summary: the report for people (src/report/human-report.ts `HumanReport`),
 * documentation only (not used to serialise); test/server/photos.test.ts checks real answers against
 * it. Its verdict and words are the report's schemas (pipeline/value-schemas.ts).
 */
export const SummaryDoc = Type.Object(
  {
    source: Type.String(),
    still: Type.Boolean({ description: 'a photo: no timeline, no moments' }),
    complete: Type.Boolean(),
    verdict: VerdictSchema,
    plain: PlainVerdictSchema,
    pFake: Nullable(Type.Number()),
    threshold: Type.Number({ description: "the verdict line on the fused p(fake)" }),
    faces: Type.Array(Type.Object({ trackId: Type.Integer(), startMs: Type.Number(), endMs: Type.Number(), verdict: VerdictSchema, headline: Type.String(), pFake: Nullable(Type.Number()) })),
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
