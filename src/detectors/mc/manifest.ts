import { type Static, Type } from '@sinclair/typebox';
import type { NoiseSpec } from './noise.js';

/**
 * The `mc.inputs[]` entries of a model manifest (`fakescope-model-manifest/1`, models/README.md):
 * one per noise input of the graph, shape ["N", "T", width]. Shared by every detector that feeds
 * Monte Carlo noise to a model.
 */
export const McNoiseInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    shape: Type.Tuple([Type.Literal('N'), Type.Literal('T'), Type.Integer({ minimum: 1 })]),
    dtype: Type.Literal('float32'),
    distribution: Type.Union([Type.Literal('bernoulli-mask'), Type.Literal('standard-normal')]),
    /** Dropout rate (bernoulli-mask only). */
    rate: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
    /** The two mask values, [0, 1/(1 − rate)] (informative). */
    values: Type.Optional(Type.Array(Type.Number())),
    drives: Type.Optional(Type.Array(Type.String())),
    meaning: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export type McNoiseInput = Static<typeof McNoiseInputSchema>;

/** The noise spec of a manifest entry; throws when a mask has no rate or inconsistent values. */
export function noiseSpecOf(input: McNoiseInput): NoiseSpec {
  const width = input.shape[2];
  if (input.distribution === 'standard-normal') return { name: input.name, width, distribution: { type: 'standard-normal' } };
  const rate = input.rate;
  if (rate === undefined) throw new RangeError(`noise input "${input.name}": a bernoulli-mask needs a rate`);
  if (input.values) {
    const keep = 1 / (1 - rate);
    const ok = input.values.length === 2 && input.values[0] === 0 && Math.abs((input.values[1] as number) - keep) <= 1e-4 * keep;
    if (!ok) throw new RangeError(`noise input "${input.name}": values ${JSON.stringify(input.values)} do not match rate ${rate}`);
  }
  return { name: input.name, width, distribution: { type: 'bernoulli-mask', rate } };
}
