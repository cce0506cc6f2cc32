import { Type } from '@sinclair/typebox';
import type { DetectorContext } from '../contract.js';
import type { DetectorRegistration } from '../registry.js';
import { createBlindDetector } from './detector.js';
import { loadBlindModel } from './manifest.js';

const BlindConfig = Type.Object(
  {
    type: Type.Literal('blind'),
    name: Type.Optional(Type.String({ description: 'Name in results; defaults to the model name.' })),
    model: Type.String({
      default: 'blind-mobilenet-sbi-mcd',
      description: 'Model folder under models/, a folder path, or a path to a manifest.json (see models/README.md).',
    }),
    samplesPerFrame: Type.Integer({ minimum: 1, maximum: 256, default: 4, description: 'k: Monte Carlo samples per face per frame.' }),
    window: Type.Integer({ minimum: 1, maximum: 256, default: 8, description: 'W: frames of a track pooled for temporal MC sampling; T_eff = k·W.' }),
    dense: Type.Boolean({ default: true, description: 'Compute the pixel-level map and region statistics.' }),
  },
  { additionalProperties: false },
);

type BlindConfig = { type: 'blind'; name?: string; model: string; samplesPerFrame: number; window: number; dense: boolean };

/** Registry entry for the blind CNN detectors (MC dropout or Bayesian heads). */
export const blindRegistration: DetectorRegistration<typeof BlindConfig> = {
  type: 'blind',
  description: 'Blind CNN (ResNet18 / Xception / EfficientNet / MobileNet families) with Monte Carlo sampled heads',
  schema: BlindConfig,
  defaultName: ((config: BlindConfig) => config.model.replace(/\/manifest\.json$/, '').split('/').pop() as string) as DetectorRegistration['defaultName'],
  create: (async (config: BlindConfig, ctx: DetectorContext) => {
    const model = loadBlindModel(config.model, ctx.modelsDir);
    const session = await ctx.sessions.create(model.file);
    return createBlindDetector(model, session, ctx, {
      name: config.name ?? model.name,
      samplesPerFrame: config.samplesPerFrame,
      window: config.window,
      dense: config.dense,
    });
  }) as DetectorRegistration['create'],
};
