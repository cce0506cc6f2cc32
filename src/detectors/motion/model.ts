import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { FakescopeError, describeError } from '../../errors.js';
import { McNoiseInputSchema, noiseSpecOf } from '../mc/manifest.js';
import type { NoiseSpec } from '../mc/noise.js';
import { TemperatureCalibrationSchema, fileMismatch, graphMismatch } from '../onnx/model-checks.js';
import type { OnnxSession, OnnxSessionFactory } from '../onnx/session.js';
import { MOTION_FEATURES } from './analysis.js';
import { DEFAULT_MOTION_OPTIONS, type MotionOptions } from './options.js';

/**
 * The motion classifier's manifest (models/motion/manifest.json, schema
 * `fakescope-model-manifest/1`, kind `biological`, family `motion`). The runtime refuses a model
 * whose manifest does not match what this code computes (feature list, map size, window and
 * filter-bank options), whose file does not match its SHA-256, or whose graph does not have the
 * inputs and outputs listed.
 */
const Dim = Type.Integer({ minimum: 1 });
const Band = Type.Tuple([Type.Number(), Type.Number()]);

export const MotionManifestSchema = Type.Object(
  {
    schema: Type.Literal('fakescope-model-manifest/1'),
    name: Type.String(),
    version: Type.String(),
    kind: Type.Literal('biological'),
    family: Type.Literal('motion'),
    architecture: Type.String(),
    head: Type.Union([Type.Literal('dropout'), Type.Literal('bayesian')]),
    file: Type.String({ minLength: 1 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    bytes: Type.Integer({ minimum: 1 }),
    opset: Type.Integer(),
    parameters: Type.Integer(),
    inputs: Type.Object(
      {
        map: Type.Object(
          { name: Type.String(), shape: Type.Tuple([Type.Literal('N'), Dim, Dim]), dtype: Type.Literal('float32'), meaning: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
        features: Type.Object(
          {
            name: Type.String(),
            shape: Type.Tuple([Type.Literal('N'), Dim]),
            dtype: Type.Literal('float32'),
            names: Type.Array(Type.String()),
            meaning: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    window: Type.Object(
      {
        fs: Type.Number(),
        n: Type.Integer(),
        spectrumBins: Type.Integer(),
        lowBand: Band,
        actionBand: Band,
        cropSize: Type.Integer(),
        cells: Type.Integer(),
        wavelength: Type.Number(),
      },
      { additionalProperties: false },
    ),
    mc: Type.Object(
      {
        mode: Type.Union([Type.Literal('dropout-mask'), Type.Literal('weight-noise')]),
        dropoutRate: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
        inputs: Type.Array(McNoiseInputSchema, { minItems: 1 }),
        meanNoise: Type.String(),
        recommendedSamples: Type.Integer({ minimum: 1 }),
      },
      { additionalProperties: false },
    ),
    outputs: Type.Object(
      {
        logits: Type.Object(
          { name: Type.String(), shape: Type.Tuple([Type.Literal('N'), Type.Literal('T')]), activation: Type.Literal('sigmoid'), meaning: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
        generator: Type.Optional(
          Type.Object(
            {
              name: Type.String(),
              shape: Type.Tuple([Type.Literal('N'), Type.Literal('T'), Dim]),
              activation: Type.Literal('softmax'),
              classes: Type.Array(Type.String(), { minItems: 2 }),
              meaning: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    calibration: TemperatureCalibrationSchema,
    metrics: Type.Unknown(),
    training: Type.Unknown(),
    card: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export type MotionManifest = Static<typeof MotionManifestSchema>;

export interface MotionModel {
  readonly manifest: MotionManifest;
  readonly session: OnnxSession;
  readonly noise: readonly NoiseSpec[];
  /** Fake logits are divided by this before the sigmoid (1 without calibration). */
  readonly temperature: number;
  readonly mapRows: number;
  readonly mapCols: number;
  readonly featureCount: number;
  /** Generator-head classes, or null for a model without one. */
  readonly classes: readonly string[] | null;
}

const fail = (path: string, why: string): FakescopeError => new FakescopeError('E_MODEL', `motion model ${path}: ${why}`);

export function readMotionManifest(path: string): MotionManifest {
  if (!existsSync(path)) throw fail(path, 'manifest not found');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw fail(path, `manifest is not JSON (${describeError(e)})`);
  }
  if (!Value.Check(MotionManifestSchema, json)) {
    const problems = [...Value.Errors(MotionManifestSchema, json)].slice(0, 4).map((e) => `${e.path || '/'}: ${e.message}`);
    throw fail(path, `manifest does not match fakescope-model-manifest/1 (biological, motion): ${problems.join('; ')}`);
  }
  return json;
}

/** The `window` block a model trained on these options records. */
export function windowRecord(o: MotionOptions = DEFAULT_MOTION_OPTIONS): MotionManifest['window'] {
  return {
    fs: o.fs,
    n: o.n,
    spectrumBins: o.spectrumBins,
    lowBand: [o.lowBand[0], o.lowBand[1]],
    actionBand: [o.actionBand[0], o.actionBand[1]],
    cropSize: o.bank.size,
    cells: o.bank.cells,
    wavelength: o.bank.wavelength,
  };
}

/** Checks that the manifest describes the input this code computes. */
export function checkMotionManifest(m: MotionManifest, path: string, o: MotionOptions = DEFAULT_MOTION_OPTIONS): void {
  const names = m.inputs.features.names;
  if (names.length !== MOTION_FEATURES.length || names.some((n, i) => n !== MOTION_FEATURES[i])) {
    throw fail(path, `model features [${names.join(', ')}] differ from the runtime's [${MOTION_FEATURES.join(', ')}]`);
  }
  if (m.inputs.features.shape[1] !== names.length) throw fail(path, 'features shape does not match its names');
  const rows = o.bank.cells * o.bank.cells * 2;
  const cols = o.spectrumBins + 2;
  const [, mr, mc] = m.inputs.map.shape;
  if (mr !== rows || mc !== cols) throw fail(path, `model takes ${mr}×${mc} motion maps, the runtime makes ${rows}×${cols}`);
  const want = windowRecord(o);
  for (const k of Object.keys(want) as (keyof typeof want)[]) {
    if (JSON.stringify(m.window[k]) !== JSON.stringify(want[k])) {
      throw fail(path, `model was trained on windows with ${k} = ${JSON.stringify(m.window[k])}, the runtime uses ${JSON.stringify(want[k])}`);
    }
  }
  const g = m.outputs.generator;
  if (g && g.shape[2] !== g.classes.length) throw fail(path, `generator output has ${g.shape[2]} classes, the manifest names ${g.classes.length}`);
}

/** Reads the manifest, checks it and the model file, and opens the ONNX session. */
export async function loadMotionModel(manifestPath: string, sessions: OnnxSessionFactory): Promise<MotionModel> {
  const manifest = readMotionManifest(manifestPath);
  checkMotionManifest(manifest, manifestPath);
  const file = resolve(dirname(manifestPath), manifest.file);
  if (!existsSync(file)) throw fail(manifestPath, `model file ${manifest.file} not found next to the manifest`);
  const mismatch = fileMismatch(file, manifest.file, manifest.sha256, manifest.bytes);
  if (mismatch) throw fail(manifestPath, mismatch);
  let noise: NoiseSpec[];
  try {
    noise = manifest.mc.inputs.map(noiseSpecOf);
  } catch (e) {
    throw fail(manifestPath, describeError(e));
  }
  const session = await sessions.create(file);
  const inputs = new Map<string, readonly (string | number)[]>([
    [manifest.inputs.map.name, manifest.inputs.map.shape],
    [manifest.inputs.features.name, manifest.inputs.features.shape],
    ...manifest.mc.inputs.map((i) => [i.name, i.shape] as [string, readonly (string | number)[]]),
  ]);
  const outputs = [manifest.outputs.logits.name, ...(manifest.outputs.generator ? [manifest.outputs.generator.name] : [])];
  const why = graphMismatch(session, inputs, outputs);
  if (why) throw fail(manifestPath, why);
  return {
    manifest,
    session,
    noise,
    temperature: manifest.calibration?.temperature ?? 1,
    mapRows: manifest.inputs.map.shape[1],
    mapCols: manifest.inputs.map.shape[2],
    featureCount: manifest.inputs.features.shape[1],
    classes: manifest.outputs.generator?.classes ?? null,
  };
}
