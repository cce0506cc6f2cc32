import { type Static, Type } from '@sinclair/typebox';
import { MAX_ANALYSIS_FPS } from '../ingest/source-options.js';
import { ServerConfigSchema } from './server.js';
import { parseWith } from './validate.js';

/**
 * The one config schema. Unknown keys are rejected, every field is described and defaulted, so
 * `{}` is a complete configuration. Detector entries are checked here for their common part
 * (`type`, `name`) and by the registry against the detector's own schema. The `server` section
 * is in ./server.ts; a file and command-line flags become a Config through ./load.ts.
 */
const Tracker = Type.Object(
  {
    iouThreshold: Type.Number({ minimum: 0, maximum: 1, default: 0.2, description: 'Minimum IoU to match a track to a detection.' }),
    maxMissMs: Type.Number({ minimum: 0, default: 1000, description: 'A face unseen for this long ends its track.' }),
    velocitySmoothing: Type.Number({ minimum: 0, maximum: 1, default: 0.5, description: 'Smoothing of the track velocity estimate.' }),
    predictedScoreDecay: Type.Number({ minimum: 0, maximum: 1, default: 0.9, description: 'Score multiplier per frame while a track is only predicted.' }),
    maxCentreDistance: Type.Number({
      minimum: 0,
      default: 1.5,
      description: 'A detection of similar size whose centre is within this many box sizes of where a track is predicted or was last seen matches it without overlap (fast or small faces).',
    }),
    duplicateIou: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.5,
      description: 'A detection left unmatched that overlaps a track by more than this IoU is the same face seen twice and starts no new track.',
    }),
  },
  { additionalProperties: false, default: {} },
);

const Faces = Type.Object(
  {
    model: Type.String({
      default: 'blazeface-back-256',
      description: 'Face detector: "blazeface-back-256", "blazeface-front-128", or a path to a face-detector manifest JSON.',
    }),
    detectEvery: Type.Integer({ minimum: 1, default: 3, description: 'Run face detection every N analysed frames (and after a miss).' }),
    fullFrameEvery: Type.Integer({
      minimum: 1,
      default: 15,
      description: 'With a trackModel: at most this many frames between two full-frame detection passes (also after a miss and while no face is tracked); the other passes run trackModel on a crop around each track. 1: every pass searches the whole frame.',
    }),
    trackModel: Type.Union([Type.String(), Type.Null()], {
      default: null,
      description: 'Cheap face detector for the passes between full-frame ones, run on a square crop around each track ("blazeface-front-128" or a manifest path; null: every pass is full-frame). Off by default: it halves the face stage\'s cost but moves rPPG scores (up to 0.17 p(fake) on the development clips; docs/benchmarks.md).',
    }),
    trackCrop: Type.Number({ minimum: 1.5, maximum: 6, default: 2.5, description: 'Side of a tracking crop, in track box sizes.' }),
    minScore: Type.Number({ minimum: 0, maximum: 1, default: 0.65, description: 'Face detection score threshold.' }),
    tileMinScore: Type.Number({ minimum: 0, maximum: 1, default: 0.75, description: 'Threshold for detections in end tiles.' }),
    tiles: Type.Boolean({ default: true, description: 'Search two square end tiles when the full frame finds no face.' }),
    smallFaceFraction: Type.Number({ minimum: 0, maximum: 1, default: 0.12, description: 'Faces smaller than this fraction of the long side are re-detected on a crop.' }),
    minFaceSize: Type.Integer({ minimum: 0, default: 40, description: 'Faces smaller than this (px, analysis frame) are tracked but not given to detectors.' }),
    tracker: Tracker,
  },
  { additionalProperties: false, default: {} },
);

const Analysis = Type.Object(
  {
    width: Type.Integer({ minimum: 64, maximum: 3840, default: 640, description: 'Frames are scaled to this width for analysis.' }),
    fps: Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: MAX_ANALYSIS_FPS }), Type.Null()], {
      default: null,
      description: 'Analysis frame rate; null analyses every frame.',
    }),
  },
  { additionalProperties: false, default: {} },
);

const Runtime = Type.Object(
  {
    executionProvider: Type.Union([Type.Literal('cpu'), Type.Literal('cuda'), Type.Literal('webgpu')], {
      default: 'cpu',
      description: 'ONNX Runtime execution provider.',
    }),
    intraOpThreads: Type.Integer({ minimum: 1, maximum: 64, default: 1, description: 'Threads per ONNX Runtime session.' }),
    workers: Type.Integer({ minimum: 0, maximum: 16, default: 1, description: 'Inference worker threads (0: run inference on the main thread, which blocks decoding and the feed while it runs).' }),
    maxBatch: Type.Integer({ minimum: 1, maximum: 256, default: 16, description: 'Most requests (faces of all streams that are ready) carried by one ONNX Runtime call, per model.' }),
    batchWaitMs: Type.Number({ minimum: 0, maximum: 5, default: 0, description: 'How long a request that finds its model idle waits for requests of other streams (ms); 0: batches form only while a call is running.' }),
  },
  { additionalProperties: false, default: {} },
);

const DetectorEntry = Type.Object(
  {
    type: Type.String({ description: 'Detector type, a key of the detector registry.' }),
    name: Type.Optional(Type.String({ description: 'Name in results; defaults to the type.' })),
  },
  { additionalProperties: true },
);

const Verdict = Type.Object(
  {
    decisionThreshold: Type.Number({ minimum: 0, maximum: 1, default: 0.5, description: 'p(fake) at or above which the verdict is "fake".' }),
    margin: Type.Number({ minimum: 0, maximum: 0.5, default: 0.15, description: '|p(fake) − threshold| below this is "uncertain".' }),
    maxEpistemic: Type.Number({ minimum: 0, default: 0.1, description: 'Epistemic uncertainty (nats) above which the verdict is "uncertain".' }),
    maxDisagreement: Type.Number({ minimum: 0, maximum: 0.5, default: 0.5, description: 'Spread (std) of the detectors\' p(fake) above which the verdict is "uncertain".' }),
    minEvidenceFrames: Type.Integer({ minimum: 1, default: 10, description: 'Fewer face-frames with a detector answer than this gives "uncertain".' }),
    minConfidence: Type.Number({
      minimum: 0.5,
      maximum: 1,
      default: 0.7,
      description:
        'How likely a "fake" or "real" verdict must be to be right, read off the calibrated fused p(fake): "fake" needs p(fake) ≥ this, "real" needs p(fake) ≤ 1 − this; in between is "uncertain" (why: not-confident). Not replaced by the fitted policy: `fakescope calibrate` fits the other thresholds under it. 0.5 turns the rule off.',
    }),
    fitted: Type.Union([Type.String(), Type.Null()], {
      default: 'models/verdict-policy.json',
      description:
        'Verdict policy fitted on calibration data by `fakescope calibrate` (path relative to the package, or absolute). When set, its thresholds replace decisionThreshold, margin, maxEpistemic and maxDisagreement above; null uses those numbers.',
    }),
  },
  { additionalProperties: false, default: {} },
);

const Attribution = Type.Object(
  {
    model: Type.Union([Type.String(), Type.Null()], {
      default: 'models/attribution/attribution.json',
      description: 'Source-attribution model trained by `fakescope calibrate` (path relative to the package, or absolute); null turns attribution off.',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const ConfigSchema = Type.Object(
  {
    seed: Type.Integer({ default: 1, description: 'Seed for every pseudo-random choice (MC masks); runs repeat exactly.' }),
    analysis: Analysis,
    faces: Faces,
    runtime: Runtime,
    detectors: Type.Array(DetectorEntry, {
      default: [{ type: 'rppg' }, { type: 'blind', model: 'blind-faceres-sbi-mcd' }, { type: 'identity' }],
      description: 'Detectors to run on tracked faces (each entry: `type` plus that detector\'s options; see docs/rppg.md, docs/blind.md and, for `identity` (how steady the face\'s identity is), docs/blind.md#identity-steadiness; the opt-in motion detector, `{ "type": "motion" }`: docs/motion.md).',
    }),
    verdict: Verdict,
    attribution: Attribution,
    server: ServerConfigSchema,
  },
  { additionalProperties: false, default: {} },
);

export type Config = Static<typeof ConfigSchema>;
export type DetectorEntryConfig = Static<typeof DetectorEntry>;

/** Fills defaults and validates; throws E_CONFIG listing every problem. */
export function parseConfig(input: unknown): Config {
  return parseWith(ConfigSchema, input ?? {}, 'config');
}
