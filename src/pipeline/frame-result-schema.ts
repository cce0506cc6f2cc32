import { type Static, Type } from '@sinclair/typebox';
import type { Immutable } from './value-schemas.js';
import { BoxSchema, DetectorOutputSchema, FaceLandmarksSchema, Nullable, VerdictSchema, VerdictWhySchema } from './value-schemas.js';

/**
 * The frame result, defined once: these schemas are the type (`Static`), the report's `frames[]`
 * and the NDJSON lines, the base of the feed's `frame` message (server/wire.ts) and the source of
 * docs/report-schema.md. See value-schemas.ts for the rules every schema here follows.
 */

export const FaceVerdictSchema = Type.Object(
  { verdict: VerdictSchema, why: VerdictWhySchema, pFake: Nullable(Type.Number()) },
  {
    additionalProperties: false,
    title: 'FaceVerdict',
    description:
      "The face's track verdict so far: its detectors fused under the verdict policy and pooled over the track's face-frames up to this one. On a track's last frame it equals the track's verdict in the report, so overlays, the page and the summaries show one number per face, never a plain average of the detectors.",
  },
);

export const FaceResultSchema = Type.Object(
  {
    trackId: Type.Integer(),
    box: BoxSchema,
    landmarks: FaceLandmarksSchema,
    score: Type.Number({ description: 'face detector confidence' }),
    source: Type.Union([Type.Literal('detected'), Type.Literal('predicted')], { description: '`detected` by the face detector on this frame, or `predicted` by the tracker\'s motion model' }),
    detectors: Type.Record(Type.String(), DetectorOutputSchema, { description: 'detector name → output; a face below the minimum size has none' }),
    verdict: Type.Optional({ ...FaceVerdictSchema, description: 'set by the report builder; absent on results that did not pass through it' }),
  },
  { additionalProperties: false, title: 'FaceResult', description: 'Everything fakescope says about one face on one frame.' },
);

export const FrameResultSchema = Type.Object(
  {
    streamId: Type.String(),
    seq: Type.Integer({ description: 'index of the analysed frame, from 0' }),
    ptsMs: Type.Number({ description: 'presentation time, ms from the start of the input' }),
    width: Type.Integer(),
    height: Type.Integer(),
    faces: Type.Array(FaceResultSchema),
    endedTracks: Type.Array(Type.Integer(), { description: 'track ids that ended on this frame' }),
    timing: Type.Object(
      { facesMs: Type.Number(), detectorsMs: Type.Number() },
      { additionalProperties: false, description: 'wall-clock ms spent per stage on this frame' },
    ),
  },
  { additionalProperties: false, title: 'FrameResult', description: 'One result per analysed frame, in frame order.' },
);

export type FaceVerdict = Immutable<Static<typeof FaceVerdictSchema>>;
/** Everything fakescope says about one face on one frame. */
export type FaceResult = Immutable<Static<typeof FaceResultSchema>>;
/** One result per analysed frame, in frame order. */
export type FrameResult = Immutable<Static<typeof FrameResultSchema>>;
