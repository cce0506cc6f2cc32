import { type Static, Type } from '@sinclair/typebox';
import { FaceResultSchema, FrameResultSchema } from '../pipeline/frame-result-schema.js';
import { DetectorOutputSchema, Nullable, VerdictSchema, VerdictWhySchema } from '../pipeline/value-schemas.js';

/**
 * The one module for wire schemas: HTTP bodies and the WebSocket envelope. fastify validates and
 * serialises with these and the tests check messages against them. What a frame message carries
 * of a frame result is derived from the report's schemas (pipeline/frame-result-schema.ts), never
 * repeated. `WIRE_VERSION` changes whenever a field changes meaning or disappears; adding fields
 * keeps it.
 */
export const WIRE_VERSION = 1;

/** A detector's output as the feed sends it: the report's, without measurements, regions, maps. */
export const DetectorWire = Type.Pick(DetectorOutputSchema, ['state', 'pFake', 'uncertainty', 'reason']);

/** A face as the feed sends it: the report's `FaceResult` without landmarks, with `DetectorWire`s. */
export const FaceWire = Type.Object({
  ...Type.Omit(FaceResultSchema, ['landmarks', 'detectors']).properties,
  detectors: Type.Record(Type.String(), DetectorWire),
});

export const VerdictWire = Type.Object({
  verdict: VerdictSchema,
  why: Type.Optional(VerdictWhySchema),
  /** The verdict in words (src/pipeline/plain-language.ts). */
  headline: Type.Optional(Type.String()),
  explanation: Type.Optional(Type.String()),
  /** The policy's decision threshold on p(fake) (the page draws it on the timeline). */
  threshold: Type.Optional(Type.Number()),
  reason: Type.String(),
  pFake: Nullable(Type.Number()),
  epistemic: Nullable(Type.Number()),
  evidenceFrames: Type.Integer(),
});

export const AlertWire = Type.Object({
  id: Type.String(),
  analysisId: Type.String(),
  phase: Type.Union([Type.Literal('start'), Type.Literal('update'), Type.Literal('end')]),
  trackId: Type.Integer(),
  startSeq: Type.Integer(),
  startPtsMs: Type.Number(),
  endSeq: Type.Union([Type.Integer(), Type.Null()]),
  endPtsMs: Nullable(Type.Number()),
  peak: Type.Object({ seq: Type.Integer(), ptsMs: Type.Number(), epistemic: Type.Number(), z: Type.Number(), detector: Type.String() }),
  detectors: Type.Array(Type.String()),
  baseline: Type.Object({ median: Type.Number(), scale: Type.Number() }),
});

export const AnalysisStatus = Type.Union([
  Type.Literal('starting'),
  Type.Literal('running'),
  Type.Literal('done'),
  Type.Literal('failed'),
  Type.Literal('stopped'),
  Type.Literal('interrupted'),
]);

/** An analysis as listed by the API. */
export const AnalysisInfo = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('upload'), Type.Literal('url'), Type.Literal('webcam')]),
  input: Type.String({ description: 'Upload file name, the URL with credentials masked, or "webcam".' }),
  status: AnalysisStatus,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  frames: Type.Integer(),
  alerts: Type.Integer(),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  verdict: Type.Union([VerdictWire, Type.Null()]),
  media: Type.Union([Type.Object({ width: Type.Integer(), height: Type.Integer(), fps: Nullable(Type.Number()), durationMs: Nullable(Type.Number()), still: Type.Optional(Type.Boolean()) }), Type.Null()]),
  live: Type.Boolean(),
});

// ---- WebSocket: server → client ---------------------------------------------------------------

const base = <T extends string>(type: T) => ({ v: Type.Literal(WIRE_VERSION), type: Type.Literal(type) });

/** Sent first on every connection. `lastSeq` is the newest message sequence number so far. */
export const HelloMsg = Type.Object({ ...base('hello'), analysis: AnalysisInfo, lastSeq: Type.Integer(), detectors: Type.Array(Type.String()) });

/** One per analysed frame, in order. `seq` numbers every replayable message of the analysis. */
export const FrameMsg = Type.Object({
  ...base('frame'),
  seq: Type.Integer(),
  frame: Type.Object({ ...Type.Pick(FrameResultSchema, ['seq', 'ptsMs', 'width', 'height']).properties, faces: Type.Array(FaceWire) }),
  verdict: VerdictWire,
  timing: FrameResultSchema.properties.timing,
});

/** The frame with boxes and heat maps, base64; sent at `feed.overlayEveryMs`, never replayed. */
export const OverlayMsg = Type.Object({
  ...base('overlay'),
  frameSeq: Type.Integer(),
  ptsMs: Type.Number(),
  format: Type.Union([Type.Literal('jpeg'), Type.Literal('webp')]),
  data: Type.String(),
});

export const AlertMsg = Type.Object({ ...base('alert'), seq: Type.Integer(), alert: AlertWire });

export const StatusMsg = Type.Object({ ...base('status'), seq: Type.Integer(), analysis: AnalysisInfo });

/** The client is reading too slowly: overlays are being dropped for it. */
export const LaggingMsg = Type.Object({ ...base('lagging'), droppedOverlays: Type.Integer(), bufferedBytes: Type.Integer() });

/** A resume asked for messages older than the replay buffer: `missedFrom..missedTo` are gone. */
export const GapMsg = Type.Object({ ...base('gap'), missedFrom: Type.Integer(), missedTo: Type.Integer() });

/**
 * The live source dropped (`phase: "start"`, `endPtsMs` null) or came back after reconnecting
 * (`"end"`); media time continues across the gap by its wall-clock length.
 */
export const SourceGapMsg = Type.Object({
  ...base('sourceGap'),
  seq: Type.Integer(),
  gap: Type.Object({
    phase: Type.Union([Type.Literal('start'), Type.Literal('end')]),
    startPtsMs: Type.Number(),
    endPtsMs: Nullable(Type.Number()),
    reason: Type.String(),
    attempts: Type.Integer(),
  }),
});

export const ErrorMsg = Type.Object({ ...base('error'), code: Type.String(), message: Type.String() });

/** On /api/webcam: the camera's analysis was created; open its feed. */
export const WebcamMsg = Type.Object({ ...base('webcam'), analysis: AnalysisInfo });

export const ServerMsg = Type.Union([HelloMsg, FrameMsg, OverlayMsg, AlertMsg, StatusMsg, LaggingMsg, GapMsg, SourceGapMsg, ErrorMsg, WebcamMsg]);

// ---- WebSocket: client → server ---------------------------------------------------------------

/** Replay every message with `seq > since`, then continue live. */
export const ResumeMsg = Type.Object({ v: Type.Literal(WIRE_VERSION), type: Type.Literal('resume'), since: Type.Integer({ minimum: -1 }) }, { additionalProperties: false });
export const PingMsg = Type.Object({ v: Type.Literal(WIRE_VERSION), type: Type.Literal('ping') }, { additionalProperties: false });
export const ClientMsg = Type.Union([ResumeMsg, PingMsg]);

/** WebSocket close codes the server uses (4000-4999: application). */
export const CLOSE = {
  /** A client message was not JSON or not a ClientMsg. */
  badMessage: 4400,
  unauthorized: 4401,
  notFound: 4404,
  /** The client read too slowly and its buffer passed `feed.maxBufferedBytes`. */
  tooSlow: 4008,
  /** The client sent more messages than `feed.clientMessagesPerS` / `clientMessageBurst` allow. */
  rateLimited: 4429,
  /** The analysis already has `feed.maxClientsPerAnalysis` clients. */
  tooManyClients: 4503,
  /** The analysis ended; everything was sent. */
  finished: 1000,
  /** The server is shutting down. */
  goingAway: 1001,
} as const;

// ---- HTTP ---------------------------------------------------------------------------------------

export const CreateUrlBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 4096 }),
    detectors: Type.Optional(Type.Array(Type.String())),
    live: Type.Optional(Type.Boolean({ description: 'Treat the stream as live (latest-wins, reconnect on drop); default: RTMP/RTSP/HLS yes, http(s) files no.' })),
  },
  { additionalProperties: false },
);

export const ErrorBody = Type.Object({ code: Type.String(), message: Type.String() });
export const AnalysisList = Type.Object({ analyses: Type.Array(AnalysisInfo) });
export const AlertList = Type.Object({ alerts: Type.Array(AlertWire) });

export type FaceWire = Static<typeof FaceWire>;
export type VerdictWire = Static<typeof VerdictWire>;
export type AlertWire = Static<typeof AlertWire>;
export type AnalysisStatus = Static<typeof AnalysisStatus>;
export type AnalysisInfo = Static<typeof AnalysisInfo>;
export type HelloMsg = Static<typeof HelloMsg>;
export type FrameMsg = Static<typeof FrameMsg>;
export type OverlayMsg = Static<typeof OverlayMsg>;
export type AlertMsg = Static<typeof AlertMsg>;
export type StatusMsg = Static<typeof StatusMsg>;
export type SourceGapMsg = Static<typeof SourceGapMsg>;
export type ServerMsg = Static<typeof ServerMsg>;
export type ClientMsg = Static<typeof ClientMsg>;
export type CreateUrlBody = Static<typeof CreateUrlBody>;
/** Messages kept in the replay buffer (they carry `seq`). */
export type ReplayableMsg = FrameMsg | AlertMsg | StatusMsg | SourceGapMsg;
