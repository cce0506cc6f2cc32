import { type Static, Type } from '@sinclair/typebox';
import { FakescopeError } from '../../errors.js';
import { CLASSIFIER_MANIFEST_TAIL, type ClassifierModel, FakeLogitsOutputSchema, MapAndFeaturesInputsSchema, classifierManifestHead, openClassifier, readManifest } from '../biological/classifier-model.js';
import { McNoiseInputSchema } from '../mc/manifest.js';
import type { OnnxSessionFactory } from '../onnx/session.js';
import { CLASSIFIER_FEATURES, CLASSIFIER_WINDOW_KEYS } from './classifier-input.js';
import { DEFAULT_REGION_LAYOUT } from './layout.js';
import { DEFAULT_WINDOW_OPTIONS, type WindowOptions } from './options.js';

/**
 * The rPPG classifier's manifest (models/rppg/manifest.json, schema `fakescope-model-manifest/1`,
 * kind `biological`): how to feed the ONNX model and read it. The runtime trusts nothing else about
 * the model file and refuses it when the manifest does not match what this code computes (feature
 * list, PPG-map size, window options) or the file's SHA-256.
 */
export const RppgManifestSchema = Type.Object(
  {
    ...classifierManifestHead(Type.Literal('rppg'), Type.Literal('dropout')),
    inputs: MapAndFeaturesInputsSchema,
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
    outputs: Type.Object({ logits: FakeLogitsOutputSchema }, { additionalProperties: false }),
    ...CLASSIFIER_MANIFEST_TAIL,
  },
  { additionalProperties: false },
);

export type RppgManifest = Static<typeof RppgManifestSchema>;

/** A loaded, checked classifier model. */
export type RppgModel = ClassifierModel<RppgManifest>;

const fail = (path: string, why: string): FakescopeError => new FakescopeError('E_MODEL', `rPPG model ${path}: ${why}`);

export function readRppgManifest(path: string): RppgManifest {
  return readManifest(RppgManifestSchema, path, fail, 'biological');
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

/** Reads the manifest, checks it and the model file, and opens the ONNX session. */
export async function loadRppgModel(manifestPath: string, sessions: OnnxSessionFactory): Promise<RppgModel> {
  const manifest = readRppgManifest(manifestPath);
  checkManifestAgainstRuntime(manifest, manifestPath);
  return openClassifier(manifest, manifestPath, [manifest.outputs.logits.name], sessions, fail);
}
