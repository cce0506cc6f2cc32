import { type Static, Type } from '@sinclair/typebox';
import { detectorEntryHead } from '../registry.js';

/** Config of the `motion` detector entry. Unknown keys are rejected. */
export const MotionConfigSchema = Type.Object(
  {
    ...detectorEntryHead('motion', '"motion"', {
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

/** The detector's settings: a validated `motion` entry. */
export type MotionConfig = Static<typeof MotionConfigSchema>;
