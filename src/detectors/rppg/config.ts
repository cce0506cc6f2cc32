import { type Static, Type } from '@sinclair/typebox';
import { detectorEntryHead } from '../registry.js';

/** Config of the `rppg` detector entry. Unknown keys are rejected. */
export const RppgConfigSchema = Type.Object(
  {
    ...detectorEntryHead('rppg', '"rppg"', {
      default: 'rppg/manifest.json',
      description: "Classifier manifest (fakescope-model-manifest/1, kind biological); relative paths resolve against the package's models/ folder.",
    }),
    samples: Type.Integer({ minimum: 1, maximum: 256, default: 32, description: 'Monte Carlo dropout samples per window (T).' }),
    hopSec: Type.Number({
      minimum: 0.5,
      maximum: 10,
      default: 0.5,
      description: 'Seconds between analyses of a track\'s pulse window; the classifier runs at most this often per track.',
    }),
    scoreUnclearPulse: Type.Boolean({
      default: true,
      description: 'Score windows measured without a clear pulse (low SNR, incoherent cells, methods disagree) with the classifier; false reports them as insufficient.',
    }),
  },
  { additionalProperties: false },
);

/** The detector's settings: a validated `rppg` entry (model relative to the models folder). */
export type RppgConfig = Static<typeof RppgConfigSchema>;
