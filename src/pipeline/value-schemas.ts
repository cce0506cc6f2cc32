import { type SchemaOptions, type TSchema, Type } from '@sinclair/typebox';
import type { VerdictWhy } from './verdict.js';

/**
 * TypeBox schemas of the values a report and a frame result carry that other modules own (the
 * uncertainty statistics, boxes, a detector's output, the media facts, verdicts, the verdict in
 * words): those modules keep their interfaces, and test/pipeline/report-schema.test.ts checks at
 * compile time that each schema here has exactly the type of its interface, so the two cannot
 * drift. The report's own shapes are defined once, as schemas, in `frame-result-schema.ts` and
 * `report-schema.ts`.
 *
 * Every object is closed (`additionalProperties: false`): fastify serialises the report through
 * these schemas (GET /api/analyses/:id/report), and a field missing here would be dropped there.
 * Properties are listed in the order the code builds them, so the serialised text is the one
 * `JSON.stringify` writes. Descriptions are the documentation (docs/report-schema.md is generated
 * from them); objects with a `title` get a section of their own there.
 */

/** The deeply readonly form of a schema's static type: the report's values are never mutated. */
export type Immutable<T> = T extends readonly (infer E)[] ? readonly Immutable<E>[] : T extends object ? { readonly [K in keyof T]: Immutable<T[K]> } : T;

export const Nullable = <T extends TSchema>(t: T, options: SchemaOptions = {}) => Type.Union([t, Type.Null()], options);
const closed = { additionalProperties: false } as const;

export const PointSchema = Type.Object({ x: Type.Number(), y: Type.Number() }, closed);

export const BoxSchema = Type.Object(
  { x: Type.Number(), y: Type.Number(), w: Type.Number(), h: Type.Number() },
  { ...closed, description: 'axis-aligned box in analysis-frame pixels, (x, y) its top-left corner' },
);

export const FaceLandmarksSchema = Type.Object(
  { leftEye: PointSchema, rightEye: PointSchema, noseTip: PointSchema, mouth: PointSchema, leftEar: PointSchema, rightEar: PointSchema },
  { ...closed, description: 'the six BlazeFace keypoints `{x, y}` in frame pixels; left/right as seen in the image (image-left eye is the subject\'s right eye)' },
);

export const UncertaintySchema = Type.Object(
  {
    mean: Type.Number({ description: 'mean p(fake) over the Monte Carlo samples' }),
    std: Type.Number({ description: 'population standard deviation of the sampled p(fake)' }),
    entropy: Type.Number({ description: 'predictive entropy H[mean], nats' }),
    aleatoric: Type.Number({ description: 'expected entropy E[H[p_t]], nats' }),
    epistemic: Type.Number({ description: 'mutual information (entropy − aleatoric, ≥ 0), plus ln 2 · `distance` when there is one; nats' }),
    samples: Type.Number({ description: 'samples behind the numbers (T, or T_eff for temporal MC sampling; a sum of fusion weights for a fused score)' }),
    mutualInformation: Type.Optional(Type.Number({ description: 'entropy − aleatoric, nats; present when `distance` is' })),
    distance: Type.Optional(Type.Number({ description: 'distance of the face\'s features from the training data, in [0, 1] (detectors with a feature density only)' })),
  },
  {
    ...closed,
    title: 'Uncertainty',
    description:
      'Statistics of Monte Carlo samples of p(fake). Video and track scores pool the samples of all face-frames, so disagreement between frames is epistemic.',
  },
);

export const UncertaintyMapSchema = Type.Object(
  {
    gridW: Type.Integer(),
    gridH: Type.Integer(),
    cropSize: Type.Integer({ description: 'side of the landmark-aligned face crop, px' }),
    pFake: Type.Array(Type.Number(), { description: 'mean p(manipulated) per cell, row-major, row 0 at the top' }),
    epistemic: Type.Array(Type.Number(), { description: 'epistemic uncertainty (nats) per cell' }),
  },
  { ...closed, description: 'a coarse `gridW × gridH` map over the aligned face crop; values rounded to 4 decimals' },
);

export const DetectorAttributionSchema = Type.Object(
  {
    classes: Type.Array(Type.String()),
    probabilities: Type.Array(Type.Number(), { description: 'mean class probability over the MC samples, in the order of `classes`' }),
    top: Type.String({ description: 'the most probable class' }),
    entropy: Type.Number(),
    epistemic: Type.Number(),
  },
  { ...closed, description: 'which generator probably made the face, from a detector with a generator head' },
);

export const DetectorStateSchema = Type.Union([Type.Literal('ok'), Type.Literal('insufficient'), Type.Literal('skipped')], {
  description: '`ok`; `insufficient`: no trustworthy answer yet (window filling, signal too weak), to be read as maximal uncertainty, never as "real"; `skipped`: the detector did not judge this face (not applicable to the input)',
});

export const DetectorOutputSchema = Type.Object(
  {
    state: DetectorStateSchema,
    pFake: Nullable(Type.Number({ description: 'p(fake); null unless `ok`' })),
    uncertainty: Nullable(UncertaintySchema),
    reason: Type.Optional(Type.String({ description: 'why the state is not `ok`, in a few words' })),
    measurements: Type.Optional(Type.Record(Type.String(), Nullable(Type.Number()), { description: 'detector-specific numbers (heart rate, SNR, T_eff, …)' })),
    regions: Type.Optional(Type.Record(Type.String(), UncertaintySchema, { description: 'face region → Uncertainty, when the detector has it' })),
    map: Type.Optional(UncertaintyMapSchema),
    attribution: Type.Optional(DetectorAttributionSchema),
  },
  { ...closed, title: 'DetectorOutput', description: 'What one detector says about one face on one frame.' },
);

export const MediaInfoSchema = Type.Object(
  {
    fps: Nullable(Type.Number({ description: 'average frame rate' })),
    width: Type.Integer({ description: 'coded width of the video stream' }),
    height: Type.Integer(),
    displayWidth: Type.Integer({ description: 'width after rotation and sample aspect ratio' }),
    displayHeight: Type.Integer(),
    rotation: Type.Integer({ description: 'clockwise degrees a player turns the picture (0, 90, 180, 270)' }),
    codec: Type.String(),
    pixelFormat: Nullable(Type.String()),
    profile: Nullable(Type.String()),
    frameCount: Nullable(Type.Integer()),
    variableFrameRate: Type.Boolean({ description: 'r_frame_rate and avg_frame_rate disagree' }),
    durationMs: Nullable(Type.Number({ description: 'null for live or unknown-length inputs and for a photo' })),
    hasAudio: Type.Boolean(),
    formatName: Type.String(),
    still: Type.Boolean({ description: 'a photo (JPEG, PNG, WebP): see "Photos" below' }),
  },
  { ...closed, title: 'MediaInfo', description: 'What ffprobe says about the input (null where it does not know).' },
);

export const VerdictSchema = Type.Union([Type.Literal('real'), Type.Literal('fake'), Type.Literal('uncertain')], {
  description: '`uncertain` is an answer, not a failure: too little evidence, epistemic uncertainty too high, detectors disagreeing, or p(fake) too close to the threshold',
});

/**
 * `VerdictWhy` (verdict.ts): the schema leaves the code open to new values (readers show a code
 * they do not know as it comes); the TypeScript type is the closed union.
 */
export const VerdictWhySchema = Type.Unsafe<VerdictWhy>(
  Type.String({
    description:
      'why, as a stable code: `decided` (a real/fake verdict), or the abstention rule that fired: `no-answer`, `too-few-frames`, `out-of-distribution`, `disagreement`, `near-threshold`, `not-confident` (under the confidence floor `minConfidence`), `uncertain-segments`',
  }),
);

export const VerdictPolicySchema = Type.Object(
  {
    decisionThreshold: Type.Number({ description: 'p(fake) at or above which a decided verdict is `fake`' }),
    margin: Type.Number({ description: 'p(fake) within this of the threshold is `uncertain` (near-threshold)' }),
    maxEpistemic: Type.Number({ description: 'epistemic uncertainty (nats) above which the verdict is `uncertain`' }),
    maxDisagreement: Type.Number({ description: 'spread (population std) of the detectors\' p(fake) above which the verdict is `uncertain`' }),
    minEvidenceFrames: Type.Number({ description: 'answered face-frames a verdict needs' }),
    minConfidence: Type.Optional(Type.Number({ description: 'how likely a decided verdict must be to be right (`fake`: p(fake) ≥ this; `real`: p(fake) ≤ 1 − this), else `uncertain` (`not-confident`); from the configuration, not fitted' })),
    maxUncertainCoverage: Type.Optional(Type.Number({ description: 'fraction of the face time under epistemic-spike alerts above which the verdict is `uncertain` (default 0.5)' })),
    weights: Type.Optional(Type.Record(Type.String(), Type.Number(), { description: 'fusion weight per detector (fitted on calibration data); missing names weigh 1' })),
    calibration: Type.Optional(
      Type.Object(
        {
          a: Type.Number({ description: 'slope on logit(mixture mean), > 0' }),
          b: Type.Number({ description: 'offset on the logit scale' }),
          subsets: Type.Optional(
            Type.Array(
              Type.Object(
                { detectors: Type.Array(Type.String()), a: Type.Number(), b: Type.Number() },
                { ...closed, description: 'the map used when only these weighted detectors have evidence (a photo, a temporal window still filling)' },
              ),
            ),
          ),
        },
        { ...closed, description: 'Platt map of the fused p(fake), fitted on calibration data: p(fake) = σ(a · logit(mixture mean) + b); the fused `uncertainty` stays the mixture\'s' },
      ),
    ),
    source: Type.Optional(Type.String({ description: 'where the thresholds came from: the calibration set and its sha256, or the configuration' })),
  },
  { ...closed, title: 'VerdictPolicy', description: 'The thresholds a verdict is decided under (`models/verdict-policy.json` or the configuration).' },
);

export const VideoScoreSchema = Type.Object(
  {
    pFake: Nullable(Type.Number({ description: 'pooled p(fake); null without evidence. Fused scores: the mixture mean through the policy\'s Platt map (`policy.calibration`) when it has one' })),
    disagreement: Type.Optional(Nullable(Type.Number({ description: 'fused scores only: weighted population std of the detectors\' p(fake) (0 with one detector)' }))),
    uncertainty: Nullable(UncertaintySchema),
    evidenceFrames: Type.Integer({ description: 'face-frames with an `ok` answer (for a fused score, the fewest of the detectors that count)' }),
  },
  { ...closed, title: 'VideoScore', description: 'A score pooled over face-frames: one detector\'s, or the detectors fused.' },
);

export const VerdictResultSchema = Type.Object(
  {
    ...VideoScoreSchema.properties,
    verdict: VerdictSchema,
    why: VerdictWhySchema,
    reason: Type.String({ description: 'one line saying why, with the numbers' }),
  },
  { ...closed, title: 'VerdictResult', description: 'A fused score and its three-way verdict.' },
);

export const UncertainSegmentSchema = Type.Object(
  {
    trackId: Type.Integer(),
    startMs: Type.Number(),
    endMs: Type.Number(),
    peakEpistemic: Type.Number({ description: 'highest epistemic uncertainty in the segment, nats' }),
    detectors: Type.Array(Type.String(), { description: 'detectors whose epistemic figure spiked' }),
  },
  { ...closed, title: 'UncertainSegment', description: 'An epistemic-spike alert segment of one face, in media time.' },
);

export const ConfidenceLevelSchema = Type.Union([Type.Literal('none'), Type.Literal('low'), Type.Literal('moderate'), Type.Literal('high')]);

export const PlainVerdictSchema = Type.Object(
  {
    headline: Type.String({ description: '"Likely manipulated", "No sign of manipulation found" or "Can\'t tell"' }),
    explanation: Type.String({ description: 'one sentence, no jargon: why the headline is what it is' }),
    confidence: Type.Object(
      { level: ConfidenceLevelSchema, words: Type.String(), pFake: Nullable(Type.Number()) },
      { ...closed, description: 'how far the score lies from the threshold; an abstention has none' },
    ),
    nextSteps: Type.Array(Type.String(), { description: 'what a person should do next, most useful first' }),
  },
  { ...closed, title: 'PlainVerdict', description: 'The verdict in words, built from its codes and numbers by src/pipeline/plain-language.ts.' },
);

export const SourceEstimateSchema = Type.Object(
  {
    classes: Type.Array(Type.String()),
    probabilities: Type.Array(Type.Number(), { description: 'in the order of `classes`' }),
    top: Type.String({ description: 'the most probable class, or `unknown` when the classifier is unsure' }),
    best: Type.String({ description: 'the most probable known class, whatever its probability' }),
    entropy: Type.Number({ description: 'entropy of the class probabilities, nats' }),
    featureCoverage: Type.Number({ description: 'fraction of the model\'s features this input had' }),
  },
  { ...closed, title: 'SourceEstimate', description: 'Likely source (generator) from the uncertainty features (models/attribution/MODEL_CARD.md).' },
);

export const SegmentFeaturesSchema = Type.Record(Type.String(), Type.Number(), {
  description: 'the uncertainty-manifold features that attribution reads, `<detector>.<feature>` (src/pipeline/segment-features.ts)',
});
