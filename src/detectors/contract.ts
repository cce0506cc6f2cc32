import type { FaceDetection, TrackedFace } from '../core/face.js';
import type { Frame } from '../core/frame.js';
import type { Box } from '../core/geometry.js';
import type { UncertaintyStats } from '../core/uncertainty.js';
import type { OnnxSessionFactory } from './onnx/session.js';

/**
 * What every detector reports for one face in one frame.
 * `state`:
 *  - `ok`: `pFake` and `uncertainty` are set.
 *  - `insufficient`: the detector has no trustworthy answer yet (window filling, signal too weak,
 *    face too small). `pFake` is null; this must be read as maximal uncertainty, never as "real".
 *  - `skipped`: the detector does not apply to this input and was not asked (a biological
 *    detector on a still image: `pipeline/detector-stage.ts`, reason NOT_APPLICABLE_TO_STILLS);
 *    the report leaves it out (neither evidence nor an insufficient face-frame).
 */
export interface DetectorOutput {
  readonly state: 'ok' | 'insufficient' | 'skipped';
  readonly pFake: number | null;
  readonly uncertainty: UncertaintyStats | null;
  /** Why the state is not `ok`, in a few words. */
  readonly reason?: string;
  /** Detector-specific scalar measurements (heart rate, SNR, T_eff, …). */
  readonly measurements?: Readonly<Record<string, number | null>>;
  /** Region-level uncertainty (region name → statistics), when the detector has it. */
  readonly regions?: Readonly<Record<string, UncertaintyStats>>;
  /** Pixel-level map over the face's aligned crop, when the detector has one. */
  readonly map?: UncertaintyMap;
  /** Which generator probably made the face, when the detector attributes sources. */
  readonly attribution?: Attribution;
}

/**
 * A coarse map over the landmark-aligned face crop (`src/core/align.ts`, crop of `cropSize`
 * px): row-major `gridW × gridH` cells, row 0 at the top. Values rounded to 4 decimals.
 */
export interface UncertaintyMap {
  readonly gridW: number;
  readonly gridH: number;
  readonly cropSize: number;
  /** Mean p(manipulated) per cell. */
  readonly pFake: readonly number[];
  /** Epistemic uncertainty (mutual information, nats) per cell. */
  readonly epistemic: readonly number[];
}

/** Source attribution: mean class probabilities over MC samples and their uncertainty. */
export interface Attribution {
  readonly classes: readonly string[];
  readonly probabilities: readonly number[];
  /** The most probable class. */
  readonly top: string;
  readonly entropy: number;
  readonly epistemic: number;
}

/** One call's input: a frame and the tracked faces on it (after minimum-size filtering). */
export interface DetectorInput {
  readonly frame: Frame;
  readonly faces: readonly TrackedFace[];
}

/**
 * The one detector contract. A detector may keep per-track state (windows, temporal MC pools);
 * it is told when a track ends so it can free it.
 */
export interface Detector {
  readonly name: string;
  readonly family: 'biological' | 'blind';
  /** Runs before the first frame (loads models, runs one inference to allocate). */
  warmup(): Promise<void>;
  /** Returns one output per face of the input, keyed by track id. */
  infer(input: DetectorInput): Promise<ReadonlyMap<number, DetectorOutput>>;
  /** A track disappeared: drop its state. */
  endTrack(trackId: number): void;
  dispose(): Promise<void>;
}

/** What a detector factory gets from the composition root besides its own config. */
export interface DetectorContext {
  readonly sessions: OnnxSessionFactory;
  /** Seed for every pseudo-random choice (MC masks), so runs repeat. */
  readonly seed: number;
  /** Root folder that relative model paths resolve against. */
  readonly modelsDir: string;
}

export type DetectorFactory<C> = (config: C, ctx: DetectorContext) => Promise<Detector>;

/**
 * The face-detection stage's contract: the faces within `area` of a frame (frame pixels; default:
 * the whole frame), scoring at least `minScore` (default: the model's threshold). The pipeline's
 * face stage calls it; `face/face-detector.ts` is BlazeFace behind it.
 */
export interface FaceDetector {
  readonly name: string;
  readonly inputSize: number;
  warmup(): Promise<void>;
  detect(frame: Frame, area?: Box, minScore?: number): Promise<FaceDetection[]>;
  dispose(): Promise<void>;
}
