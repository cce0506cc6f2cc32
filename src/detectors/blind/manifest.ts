import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FakescopeError, describeError } from '../../errors.js';
import { CANONICAL_EYES } from '../../core/align.js';
import type { NoiseSpec } from '../mc/noise.js';
import type { FeatureDensity } from './density.js';
import { parseFeatureDensity } from './density.js';

/**
 * A blind detector model as the runtime sees it: the parts of `manifest.json`
 * (schema `fakescope-model-manifest/1`, documented in models/README.md) it needs, validated.
 * The manifest is the only source of truth on how to feed and read the ONNX file.
 */
export interface BlindModel {
  readonly name: string;
  readonly version: string;
  readonly family: string;
  readonly head: string;
  readonly dir: string;
  readonly file: string;
  readonly sha256: string;
  readonly input: {
    readonly name: string;
    readonly size: number;
    readonly scale: number;
    readonly mean: readonly [number, number, number];
    readonly std: readonly [number, number, number];
  };
  readonly noise: readonly NoiseSpec[];
  readonly recommendedSamples: number;
  readonly outputs: {
    readonly logits: string;
    readonly dense: { readonly name: string; readonly h: number; readonly w: number } | null;
    readonly gen: { readonly name: string; readonly classes: readonly string[] } | null;
    /** Pooled feature f [N, D] (before any MC mask), read by the feature density. */
    readonly features: { readonly name: string; readonly dim: number } | null;
  };
  readonly temperature: number;
  /** Distance-aware uncertainty (density.ts): from `density.file`, checked against its sha256. */
  readonly density: FeatureDensity | null;
}

type Json = Record<string, unknown>;

const bad = (where: string, what: string): never => {
  throw new FakescopeError('E_MODEL', `model manifest ${where}: ${what}`);
};

/**
 * Resolves `model` — a folder name under `modelsDir`, a folder path, or a path to a manifest.json —
 * reads and validates the manifest, and checks the ONNX file's size and sha256.
 */
export function loadBlindModel(model: string, modelsDir: string): BlindModel {
  const candidates = isAbsolute(model) ? [model] : [resolve(model), join(modelsDir, model)];
  const found = candidates.map((c) => (c.endsWith('.json') ? c : join(c, 'manifest.json'))).find((c) => existsSync(c));
  if (!found) throw new FakescopeError('E_MODEL', `no model "${model}": looked for ${candidates.map((c) => join(c, 'manifest.json')).join(' and ')}`);
  let m: Json;
  try {
    m = JSON.parse(readFileSync(found, 'utf8')) as Json;
  } catch (e) {
    throw new FakescopeError('E_MODEL', `model manifest ${found} is not valid JSON: ${describeError(e)}`);
  }
  return parseBlindManifest(m, found);
}

export function parseBlindManifest(m: Json, path: string): BlindModel {
  if (typeof m.schema !== 'string' || !m.schema.startsWith('fakescope-model-manifest/1')) {
    bad(path, `schema must be "fakescope-model-manifest/1", got ${JSON.stringify(m.schema)}`);
  }
  if (m.kind !== 'blind') bad(path, `kind must be "blind", got ${JSON.stringify(m.kind)}`);
  const input = (m.input ?? {}) as Json;
  const size = input.size as number;
  if (input.layout !== 'NCHW' || input.channelOrder !== 'RGB') bad(path, 'input must be NCHW RGB');
  if (!(Number.isInteger(size) && size >= 16)) bad(path, 'input.size must be an integer ≥ 16');
  if (input.alignment !== 'fakescope-eyes-v1') bad(path, `input.alignment must be "fakescope-eyes-v1", got ${JSON.stringify(input.alignment)}`);
  const eyes = input.alignmentEyes as { left?: number[]; right?: number[] } | undefined;
  const same = (a: number[] | undefined, b: { x: number; y: number }) => a !== undefined && Math.abs((a[0] as number) - b.x) < 1e-6 && Math.abs((a[1] as number) - b.y) < 1e-6;
  if (eyes && !(same(eyes.left, CANONICAL_EYES.left) && same(eyes.right, CANONICAL_EYES.right))) {
    bad(path, 'input.alignmentEyes differ from this runtime\'s canonical eye positions');
  }
  const triple = (v: unknown, what: string) => {
    if (!Array.isArray(v) || v.length !== 3 || v.some((x) => typeof x !== 'number')) bad(path, `${what} must be three numbers`);
    return v as [number, number, number];
  };
  const mc = (m.mc ?? {}) as Json;
  const noise = ((mc.inputs ?? []) as Json[]).map((n): NoiseSpec => {
    const shape = n.shape as unknown[];
    const width = shape?.[2];
    if (typeof n.name !== 'string' || typeof width !== 'number') bad(path, 'mc.inputs[] need name and shape [N, T, width]');
    if (n.distribution === 'bernoulli-mask') {
      return { name: n.name as string, width: width as number, distribution: { type: 'bernoulli-mask', rate: n.rate as number } };
    }
    if (n.distribution === 'standard-normal') return { name: n.name as string, width: width as number, distribution: { type: 'standard-normal' } };
    return bad(path, `unknown noise distribution ${JSON.stringify(n.distribution)}`);
  });
  const outputs = (m.outputs ?? {}) as Record<string, Json | undefined>;
  if (typeof outputs.logits?.name !== 'string') bad(path, 'outputs.logits.name missing');
  const dense = outputs.dense_logits;
  const gen = outputs.gen_logits;
  const grid = dense?.grid as { h?: number; w?: number } | undefined;
  const calibration = m.calibration as Json | null | undefined;
  const temperature = (calibration?.temperature as number | undefined) ?? 1;
  if (!(temperature > 0)) bad(path, 'calibration.temperature must be > 0');
  const dir = dirname(path);
  const file = join(dir, String(m.file ?? 'model.onnx'));
  checkFile(file, m.sha256 as string | undefined, m.bytes as number | undefined, path);
  const features = outputs.features;
  if (features && (typeof features.name !== 'string' || typeof features.dim !== 'number')) bad(path, 'outputs.features needs name and dim');
  const density = m.density ? loadDensity(m.density as Json, dir, path) : null;
  if (density && !features) bad(path, 'a density needs outputs.features');
  if (density && features && density.dim !== features.dim) bad(path, `density has dim ${density.dim}, outputs.features ${String(features.dim)}`);
  return {
    name: String(m.name ?? dir),
    version: String(m.version ?? '0.0.0'),
    family: String(m.family ?? 'unknown'),
    head: String(m.head ?? 'unknown'),
    dir,
    file,
    sha256: String(m.sha256),
    input: {
      name: String(input.name ?? 'image'),
      size,
      scale: (input.scale as number | undefined) ?? 1 / 255,
      mean: triple(input.mean, 'input.mean'),
      std: triple(input.std, 'input.std'),
    },
    noise,
    recommendedSamples: (mc.recommendedSamples as number | undefined) ?? 16,
    outputs: {
      logits: outputs.logits?.name as string,
      dense: dense && grid?.h && grid.w ? { name: String(dense.name), h: grid.h, w: grid.w } : null,
      gen: gen && Array.isArray(gen.classes) ? { name: String(gen.name), classes: gen.classes as string[] } : null,
      features: features ? { name: features.name as string, dim: features.dim as number } : null,
    },
    temperature,
    density,
  };
}

function loadDensity(d: Json, dir: string, path: string): FeatureDensity {
  const file = join(dir, String(d.file ?? 'density.json'));
  checkFile(file, d.sha256 as string | undefined, d.bytes as number | undefined, path);
  let j: Json;
  try {
    j = JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (e) {
    return bad(path, `density file ${file} is not valid JSON: ${describeError(e)}`);
  }
  return parseFeatureDensity(j, file);
}

function checkFile(file: string, sha256: string | undefined, bytes: number | undefined, path: string): void {
  if (!existsSync(file)) bad(path, `model file ${file} is missing`);
  if (bytes !== undefined && statSync(file).size !== bytes) bad(path, `file ${file} has ${statSync(file).size} bytes, the manifest says ${bytes}`);
  if (!sha256) bad(path, 'sha256 missing');
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (digest !== sha256) bad(path, `file ${file} has sha256 ${digest.slice(0, 12)}…, the manifest expects ${String(sha256).slice(0, 12)}…`);
}

/** Checks that an ONNX session has the inputs and outputs the manifest promises. */
export function checkSessionMatches(model: BlindModel, inputNames: readonly string[], outputNames: readonly string[]): void {
  const wantIn = [model.input.name, ...model.noise.map((n) => n.name)];
  const wantOut = [
    model.outputs.logits,
    ...(model.outputs.dense ? [model.outputs.dense.name] : []),
    ...(model.outputs.gen ? [model.outputs.gen.name] : []),
    ...(model.outputs.features ? [model.outputs.features.name] : []),
  ];
  const missingIn = wantIn.filter((n) => !inputNames.includes(n));
  const extraIn = inputNames.filter((n) => !wantIn.includes(n));
  const missingOut = wantOut.filter((n) => !outputNames.includes(n));
  if (missingIn.length || extraIn.length || missingOut.length) {
    throw new FakescopeError(
      'E_MODEL',
      `model ${model.name} does not match its manifest (inputs missing: ${missingIn.join(', ') || '-'}; unexpected inputs: ${extraIn.join(', ') || '-'}; outputs missing: ${missingOut.join(', ') || '-'})`,
    );
  }
}
