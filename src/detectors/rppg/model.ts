import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { FakescopeError, describeError } from '../../errors.js';
import { McNoiseInputSchema, noiseSpecOf } from '../mc/manifest.js';
import type { NoiseSpec } from '../mc/noise.js';
import { TemperatureCalibrationSchema, fileMismatch, graphMismatch } from '../onnx/model-checks.js';
import type { OnnxSession, OnnxSessionFactory } from '../onnx/session.js';
import { CLASSIFIER_FEATURES, CLASSIFIER_WINDOW_KEYS } from './classifier-input.js';
import { DEFAULT_REGION_LAYOUT } from './layout.js';
import { DEFAULT_WINDOW_OPTIONS, type WindowOptions } from './options.js';

/**
 * The rPPG classifier's manifest (models/rppg/manifest.json, schema `fakescope-model-manifest/1`,
 * kind `biological`): how to feed the ONNX model and read it. The runtime trusts nothing else about
 * the model file and refuses it when the manifest does not match what this code computes (feature
 * list, PPG-map size, window options) or the file's SHA-256.
 */
const Dim = Type.Integer({ minimum: 1 });

export const RppgManifestSchema = Type.Object(
  {
    schema: Type.Literal('fakescope-model-manifest/1'),
    name: Type.String(),
    version: Type.String(),
    kind: Type.Literal('biological'),
    family: Type.Literal('rppg'),
    architecture: Type.String(),
    head: Type.Literal('dropout'),
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
        windowSec: Type.Number(),
        fs: Type.Number(),
        lowHz: Type.Number(),
        highHz: Type.Number(),
        psdBins: Type.Integer(),
        primaryMethod: Type.String(),
        filterOrder: Type.Integer(),
      },
      { additionalProperties: false },
    ),
    mc: Type.Object(
      {
        mode: Type.Literal('dropout-mask'),
        dropoutRate: Type.Number({ minimum: 0, exclusiveMaximum: 1 }),
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
      },
      { additionalProperties: false },
    ),
    calibration: TemperatureCalibrationSchema,
    /** Held-out metrics and training provenance: informative, for people and the model card. */
    metrics: Type.Unknown(),
    training: Type.Unknown(),
    card: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export type RppgManifest = Static<typeof RppgManifestSchema>;

/** A loaded, checked classifier model. */
export interface RppgModel {
  readonly manifest: RppgManifest;
  readonly session: OnnxSession;
  readonly noise: readonly NoiseSpec[];
  /** Logits are divided by this before the sigmoid (1 without calibration). */
  readonly temperature: number;
  readonly mapRows: number;
  readonly mapCols: number;
  readonly featureCount: number;
}

const fail = (path: string, why: string): FakescopeError => new FakescopeError('E_MODEL', `rPPG model ${path}: ${why}`);

export function readRppgManifest(path: string): RppgManifest {
  if (!existsSync(path)) throw fail(path, 'manifest not found');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw fail(path, `manifest is not JSON (${describeError(e)})`);
  }
  if (!Value.Check(RppgManifestSchema, json)) {
    const problems = [...Value.Errors(RppgManifestSchema, json)].slice(0, 4).map((e) => `${e.path || '/'}: ${e.message}`);
    throw fail(path, `manifest does not match fakescope-model-manifest/1 (biological): ${problems.join('; ')}`);
  }
  return json;
}

/**
 * Checks that the manifest describes the input this code computes: the feature list and order,
 * the map size of the default region layout and window, and the window options the map depends on.
 */
export function checkManifestAgainstRuntime(m: RppgManifest, path: string, options: WindowOptions = DEFAULT_WINDOW_OPTIONS): void {
  const names = m.inputs.features.names;
  if (names.length !== CLASSIFIER_FEATURES.length || names.some((n, i) => n !== CLASSIFIER_FEATURES[i])) {
    throw fail(path, `model features [${names.join(', ')}] differ from the runtime's [${CLASSIFIER_FEATURES.join(', ')}]`);
  }
  if (m.inputs.features.shape[1] !== names.length) throw fail(path, 'features shape does not match its names');
  const rows = DEFAULT_REGION_LAYOUT.grid.cols * DEFAULT_REGION_LAYOUT.grid.rows;
  const cols = Math.round(options.windowSec * options.fs) + options.psdBins;
  const [, mr, mc] = m.inputs.map.shape;
  if (mr !== rows || mc !== cols) throw fail(path, `model takes ${mr}×${mc} PPG maps, the runtime makes ${rows}×${cols}`);
  for (const k of CLASSIFIER_WINDOW_KEYS) {
    const want = options[k];
    const got = m.window[k];
    const same = typeof want === 'number' ? typeof got === 'number' && Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)) : got === want;
    if (!same) throw fail(path, `model was trained on windows with ${k} = ${String(got)}, the runtime uses ${String(want)}`);
  }
}

/** Shape check against ORT's metadata where it reports one (symbolic dims are accepted as any). */
function checkSessionShapes(session: OnnxSession, m: RppgManifest, path: string): void {
  const want = new Map<string, readonly (string | number)[]>([
    [m.inputs.map.name, m.inputs.map.shape],
    [m.inputs.features.name, m.inputs.features.shape],
    ...m.mc.inputs.map((i) => [i.name, i.shape] as [string, readonly (string | number)[]]),
  ]);
  const why = graphMismatch(session, want, [m.outputs.logits.name]);
  if (why) throw fail(path, why);
}

/** Reads the manifest, checks it and the model file, and opens the ONNX session. */
export async function loadRppgModel(manifestPath: string, sessions: OnnxSessionFactory): Promise<RppgModel> {
  const manifest = readRppgManifest(manifestPath);
  checkManifestAgainstRuntime(manifest, manifestPath);
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
  checkSessionShapes(session, manifest, manifestPath);
  return {
    manifest,
    session,
    noise,
    temperature: manifest.calibration?.temperature ?? 1,
    mapRows: manifest.inputs.map.shape[1],
    mapCols: manifest.inputs.map.shape[2],
    featureCount: manifest.inputs.features.shape[1],
  };
}
