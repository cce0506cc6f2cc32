import { Type } from '@sinclair/typebox';
import type { DetectorRegistration } from '../registry.js';
import { type MotionDetectorConfig, createMotionDetector } from './detector.js';

/** Config of the `motion` detector entry. Unknown keys are rejected. */
export const MotionConfigSchema = Type.Object(
  {
    type: Type.Literal('motion'),
    name: Type.Optional(Type.String({ description: 'Name in results; defaults to "motion".' })),
    model: Type.String({
      default: 'motion/manifest.json',
      description: "Classifier manifest (fakescope-model-manifest/1, kind biological, family motion); relative paths resolve against the package's models/ folder.",
    }),
    samples: Type.Integer({ minimum: 1, maximum: 256, default: 32, description: 'Monte Carlo samples per window (T): dropout masks or Bayesian weight noise, as the model says.' }),
    hopSec: Type.Number({
      minimum: 0.1,
      maximum: 10,
      default: 0.5,
      description: "Seconds between analyses of a track's motion window; the classifier runs at most this often per track.",
    }),
  },
  { additionalProperties: false },
);

export const motionRegistration: DetectorRegistration<typeof MotionConfigSchema> = {
  type: 'motion',
  description: 'Biological signal: facial motion (quadrature-phase motion of the aligned face and landmark dynamics over 2.1 s windows), classifier with Monte Carlo uncertainty and a generator head.',
  schema: MotionConfigSchema,
  create: ((config: MotionDetectorConfig, ctx) => createMotionDetector(config, ctx)) as DetectorRegistration['create'],
};
