import { Type } from '@sinclair/typebox';
import { manifestPath } from '../biological/classifier-model.js';
import { defineDetector, detectorEntryHead } from '../registry.js';
import { IdentityDetector } from './detector.js';
import { loadIdentityModel } from './manifest.js';

const IdentityConfig = Type.Object(
  {
    ...detectorEntryHead('identity', '"identity"', {
      default: 'identity-steadiness/manifest.json',
      description: "Model manifest (fakescope-model-manifest/1, kind identity); relative paths resolve against the package's models/ folder.",
    }),
    samples: Type.Integer({ minimum: 2, maximum: 256, default: 32, description: "Bootstrap resamples of a track's window behind each output (its uncertainty)." }),
  },
  { additionalProperties: false },
);

/** Registry entry for the identity-steadiness detector (docs/blind.md). */
export const identityRegistration = defineDetector({
  type: 'identity',
  description: "Temporal: how steady a face's identity is over ~2.4 s (a pretrained face-identity network's descriptors every 100 ms), mapped to p(fake), bootstrap uncertainty.",
  schema: IdentityConfig,
  create: async (config, ctx) => {
    const model = await loadIdentityModel(manifestPath(config.model, ctx.modelsDir), ctx.sessions);
    return new IdentityDetector(config.name, model, { samples: config.samples }, ctx.seed);
  },
});
