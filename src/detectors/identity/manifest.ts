import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { CANONICAL_EYES } from '../../core/align.js';
import { FakescopeError } from '../../errors.js';
import { readManifest } from '../biological/classifier-model.js';
import { fileMismatch, graphMismatch } from '../onnx/model-checks.js';
import type { OnnxSession, OnnxSessionFactory } from '../onnx/session.js';
import type { InputNormalisation } from '../blind/preprocess.js';

/**
 * The identity-steadiness model's manifest (models/identity-steadiness/manifest.json, schema
 * `fakescope-model-manifest/1`, kind `identity`; written by models/training/identity_export.py).
 * The runtime refuses a model whose file does not match its SHA-256 and size, whose graph lacks the
 * input or output named, or whose map would not increase with consistency.
 */
const Pair = Type.Tuple([Type.Number(), Type.Number()]);
const Rgb = Type.Tuple([Type.Number(), Type.Number(), Type.Number()]);

export const IdentityManifestSchema = Type.Object(
  {
    schema: Type.Literal('fakescope-model-manifest/1'),
    name: Type.String(),
    version: Type.String(),
    kind: Type.Literal('identity'),
    architecture: Type.String(),
    file: Type.String({ minLength: 1 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    bytes: Type.Integer({ minimum: 1 }),
    opset: Type.Integer(),
    input: Type.Object(
      {
        name: Type.String(),
        shape: Type.Tuple([Type.Literal('N'), Type.Literal(3), Type.Integer(), Type.Integer()]),
        dtype: Type.Literal('float32'),
        size: Type.Integer({ minimum: 16 }),
        layout: Type.Literal('NCHW'),
        channelOrder: Type.Literal('RGB'),
        mean: Rgb,
        std: Rgb,
        normalization: Type.String(),
        alignment: Type.Literal('fakescope-eyes-v1'),
        alignmentEyes: Type.Object({ left: Pair, right: Pair }, { additionalProperties: false }),
      },
      { additionalProperties: false },
    ),
    output: Type.Object({ name: Type.String(), shape: Type.Tuple([Type.Literal('N'), Type.Integer({ minimum: 1 })]) }, { additionalProperties: false }),
    window: Type.Object(
      {
        sampleMs: Type.Number({ exclusiveMinimum: 0 }),
        descriptors: Type.Integer({ minimum: 2 }),
        maxGapMs: Type.Number({ exclusiveMinimum: 0 }),
        minPairs: Type.Integer({ minimum: 1 }),
      },
      { additionalProperties: false },
    ),
    map: Type.Object(
      { formula: Type.String(), a: Type.Number({ exclusiveMinimum: 0 }), b: Type.Number(), fittedOn: Type.String() },
      { additionalProperties: false },
    ),
    /** Measured on the crop index's splits and held-out generators: informative, for the model card. */
    evaluated: Type.Unknown(),
    created: Type.String(),
  },
  { additionalProperties: false },
);

export type IdentityManifest = Static<typeof IdentityManifestSchema>;

export interface IdentityModel {
  readonly manifest: IdentityManifest;
  readonly session: OnnxSession;
  readonly input: InputNormalisation;
  readonly dim: number;
}

const fail = (path: string, why: string): FakescopeError => new FakescopeError('E_MODEL', `identity model ${path}: ${why}`);

/** Reads and checks the manifest and the model file, and opens the ONNX session. */
export async function loadIdentityModel(manifestPath: string, sessions: OnnxSessionFactory): Promise<IdentityModel> {
  const m = readManifest(IdentityManifestSchema, manifestPath, fail, 'identity');
  const [, , h, w] = m.input.shape;
  if (h !== m.input.size || w !== m.input.size) throw fail(manifestPath, `input shape [${m.input.shape.join(', ')}] does not match size ${m.input.size}`);
  const eyes = m.input.alignmentEyes;
  const off = (e: readonly [number, number], c: { x: number; y: number }) => Math.abs(e[0] - c.x) > 1e-6 || Math.abs(e[1] - c.y) > 1e-6;
  if (off(eyes.left, CANONICAL_EYES.left) || off(eyes.right, CANONICAL_EYES.right)) throw fail(manifestPath, "input.alignmentEyes differ from this runtime's canonical eye positions");
  if (m.window.minPairs > m.window.descriptors - 1) throw fail(manifestPath, `minPairs ${m.window.minPairs} needs more than ${m.window.descriptors} descriptors`);
  const file = resolve(dirname(manifestPath), m.file);
  if (!existsSync(file)) throw fail(manifestPath, `model file ${m.file} not found next to the manifest`);
  const mismatch = fileMismatch(file, m.file, m.sha256, m.bytes);
  if (mismatch) throw fail(manifestPath, mismatch);
  const session = await sessions.create(file);
  const graph = graphMismatch(session, new Map([[m.input.name, m.input.shape]]), [m.output.name]);
  if (graph) throw fail(manifestPath, graph);
  return { manifest: m, session, input: { size: m.input.size, scale: 1 / 255, mean: m.input.mean, std: m.input.std }, dim: m.output.shape[1] };
}
