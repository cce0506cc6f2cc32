import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { type FakescopeError, describeError } from '../../errors.js';
import { type McNoiseInput, noiseSpecOf } from '../mc/manifest.js';
import type { NoiseSpec } from '../mc/noise.js';
import { TemperatureCalibrationSchema, fileMismatch, graphMismatch } from '../onnx/model-checks.js';
import type { OnnxSession, OnnxSessionFactory } from '../onnx/session.js';

/**
 * What the biological-signal classifiers (rPPG, motion) share in how their models are described
 * and opened: a `fakescope-model-manifest/1` manifest (kind `biological`) whose model takes a map
 * [N, rows, cols] and window features [N, F] plus Monte Carlo noise inputs, and answers a fake
 * logit per window and sample. Each detector adds its own window block and checks (model.ts).
 */

const Dim = Type.Integer({ minimum: 1 });

/** The manifest's leading fields, in order: what the model is and which file holds it. */
export function classifierManifestHead<F extends TSchema, H extends TSchema>(family: F, head: H) {
  return {
    schema: Type.Literal('fakescope-model-manifest/1'),
    name: Type.String(),
    version: Type.String(),
    kind: Type.Literal('biological'),
    family,
    architecture: Type.String(),
    head,
    file: Type.String({ minLength: 1 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    bytes: Type.Integer({ minimum: 1 }),
    opset: Type.Integer(),
    parameters: Type.Integer(),
  };
}

/** The manifest's closing fields: calibration, then what is informative only (metrics, provenance, card). */
export const CLASSIFIER_MANIFEST_TAIL = {
  calibration: TemperatureCalibrationSchema,
  /** Held-out metrics and training provenance: informative, for people and the model card. */
  metrics: Type.Unknown(),
  training: Type.Unknown(),
  card: Type.Optional(Type.String()),
};

/** The `inputs` block: the window's map and its scalar features. */
export const MapAndFeaturesInputsSchema = Type.Object(
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
);

/** The `outputs.logits` entry: the fake logit per window and Monte Carlo sample. */
export const FakeLogitsOutputSchema = Type.Object(
  { name: Type.String(), shape: Type.Tuple([Type.Literal('N'), Type.Literal('T')]), activation: Type.Literal('sigmoid'), meaning: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/** The parts of a classifier manifest this module reads. */
export interface ClassifierManifest {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly inputs: Static<typeof MapAndFeaturesInputsSchema>;
  readonly mc: { readonly inputs: readonly McNoiseInput[] };
  readonly outputs: { readonly logits: Static<typeof FakeLogitsOutputSchema> };
  readonly calibration: { readonly temperature: number } | null;
}

/** A loaded, checked classifier model. */
export interface ClassifierModel<M extends ClassifierManifest> {
  readonly manifest: M;
  readonly session: OnnxSession;
  readonly noise: readonly NoiseSpec[];
  /** Fake logits are divided by this before the sigmoid (1 without calibration). */
  readonly temperature: number;
  readonly mapRows: number;
  readonly mapCols: number;
  readonly featureCount: number;
}

/** Makes the detector's coded error about the manifest at `path`. */
export type ManifestFailure = (path: string, why: string) => FakescopeError;

/** A config's `model`: an absolute manifest path, or one relative to the models folder. */
export function manifestPath(model: string, modelsDir: string): string {
  return isAbsolute(model) ? model : resolve(modelsDir, model);
}

/** Reads the manifest at `path` and checks it against `schema` (`what` names it in the error). */
export function readManifest<S extends TSchema>(schema: S, path: string, fail: ManifestFailure, what: string): Static<S> {
  if (!existsSync(path)) throw fail(path, 'manifest not found');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw fail(path, `manifest is not JSON (${describeError(e)})`);
  }
  if (!Value.Check(schema, json)) {
    const problems = [...Value.Errors(schema, json)].slice(0, 4).map((e) => `${e.path || '/'}: ${e.message}`);
    throw fail(path, `manifest does not match fakescope-model-manifest/1 (${what}): ${problems.join('; ')}`);
  }
  return json;
}

/**
 * Checks the model file next to the manifest (present, SHA-256 and size), builds the noise specs,
 * opens the ONNX session and checks its graph: the map, features and noise inputs and `outputs`.
 */
export async function openClassifier<M extends ClassifierManifest>(
  manifest: M,
  manifestPath: string,
  outputs: readonly string[],
  sessions: OnnxSessionFactory,
  fail: ManifestFailure,
): Promise<ClassifierModel<M>> {
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
  };
}
