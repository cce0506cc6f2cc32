import { type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { FakescopeError } from '../errors.js';

/**
 * Fills a schema's defaults into a copy of `input` and validates it; throws E_CONFIG naming the
 * first problems. The one way a config (or a detector's section of it) becomes a typed value.
 */
export function parseWith<T extends TSchema>(schema: T, input: unknown, what: string): Static<T> {
  const value = Value.Default(schema, Value.Clone(input));
  if (!Value.Check(schema, value)) {
    const problems = [...Value.Errors(schema, value)].slice(0, 5).map((e) => `${e.path || '/'}: ${e.message}`);
    throw new FakescopeError('E_CONFIG', `invalid ${what}: ${problems.join('; ')}`);
  }
  return value as Static<T>;
}
