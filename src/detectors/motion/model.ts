import { type Static, Type } from '@sinclair/typebox';
import { FakescopeError } from '../../errors.js';
import { CLASSIFIER_MANIFEST_TAIL, type ClassifierModel, FakeLogitsOutputSchema, MapAndFeaturesInputsSchema, classifierManifestHead, openClassifier, readManifest } from '../biological/classifier-model.js';
import { McNoiseInputSchema } from '../mc/manifest.js';
import type { OnnxSessionFactory } from '../onnx/session.js';
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
    ...classifierManifestHead(Type.Literal('motion'), Type.Union([Type.Literal('dropout'), Type.Literal('bayesian')])),
    inputs: MapAndFeaturesInputsSchema,
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
        logits: FakeLogitsOutputSchema,
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
    ...CLASSIFIER_MANIFEST_TAIL,
  },
  { additionalProperties: false },
);

export type MotionManifest = Static<typeof MotionManifestSchema>;

export interface MotionModel extends ClassifierModel<MotionManifest> {
  /** Generator-head classes, or null for a model without one. */
  readonly classes: readonly string[] | null;
}

const fail = (path: string, why: string): FakescopeError => new FakescopeError('E_MODEL', `motion model ${path}: ${why}`);

export function readMotionManifest(path: string): MotionManifest {
  return readManifest(MotionManifestSchema, path, fail, 'biological, motion');
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
  const outputs = [manifest.outputs.logits.name, ...(manifest.outputs.generator ? [manifest.outputs.generator.name] : [])];
  const model = await openClassifier(manifest, manifestPath, outputs, sessions, fail);
  return { ...model, classes: manifest.outputs.generator?.classes ?? null };
}
