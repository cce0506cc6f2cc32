import { type Static, Type } from '@sinclair/typebox';
import { defineDetector, detectorEntryHead } from '../registry.js';
import { createBlindDetector } from './detector.js';
import { loadBlindModel } from './manifest.js';

const BlindConfig = Type.Object(
  {
    ...detectorEntryHead('blind', 'the model name', {
      default: 'blind-faceres-sbi-mcd',
      description: 'Model folder under models/, a folder path, or a path to a manifest.json (see models/README.md).',
    }),
    samplesPerFrame: Type.Integer({ minimum: 1, maximum: 256, default: 4, description: 'k: Monte Carlo samples per face per frame.' }),
    window: Type.Integer({ minimum: 1, maximum: 256, default: 8, description: 'W: frames of a track pooled for temporal MC sampling; T_eff = k·W.' }),
    dense: Type.Boolean({ default: true, description: 'Compute the pixel-level map and region statistics.' }),
  },
  { additionalProperties: false },
);

/** The config of a `blind` entry, as the schema above validates it. */
export type BlindConfig = Static<typeof BlindConfig>;

/** Registry entry for the blind CNN detectors (MC dropout or Bayesian heads). */
export const blindRegistration = defineDetector({
  type: 'blind',
  description: 'Blind CNN (ResNet18 / Xception / EfficientNet / MobileNet families) with Monte Carlo sampled heads',
  schema: BlindConfig,
  defaultName: (config) => config.model.replace(/\/manifest\.json$/, '').split('/').pop() as string,
  create: async (config, ctx) => {
    const model = loadBlindModel(config.model, ctx.modelsDir);
    const session = await ctx.sessions.create(model.file);
    return createBlindDetector(model, session, ctx, {
      name: config.name,
      samplesPerFrame: config.samplesPerFrame,
      window: config.window,
      dense: config.dense,
    });
  },
});
