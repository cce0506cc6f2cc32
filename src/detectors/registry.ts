import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { DetectorEntryConfig } from '../config/schema.js';
import { parseWith } from '../config/validate.js';
import { FakescopeError } from '../errors.js';
import type { Detector, DetectorContext } from './contract.js';

/**
 * The one detector registry: config `type` → the detector's own config schema and factory.
 * Each detector folder exports one registration made with `defineDetector`; `builtinRegistry`
 * lists them.
 */

/** A detector's config as its factory gets it: the validated entry, defaults filled, name resolved. */
export type CreateConfig<S extends TSchema> = Static<S> & { readonly name: string };

export interface DetectorRegistration<S extends TSchema = TSchema> {
  readonly type: string;
  readonly description: string;
  readonly schema: S;
  /**
   * Creates the detector. Written as a method: the registry holds registrations of different
   * schemas as `DetectorRegistration<TSchema>`, and only ever calls `create` with what
   * `parseWith(schema, …)` returned for the registration's own schema.
   */
  create(config: CreateConfig<S>, ctx: DetectorContext): Promise<Detector>;
  /** Name in results when the entry gives none (default: the type). */
  defaultName?(config: Static<S>): string;
}

/**
 * A detector's registration, its config type derived from its schema: `create` and `defaultName`
 * receive `Static<typeof schema>`, so no hand-written config type can drift from the schema.
 */
export function defineDetector<S extends TSchema>(registration: DetectorRegistration<S>): DetectorRegistration<S> {
  return registration;
}

/**
 * The fields a detector's config schema starts with: its `type`, an optional `name` in results
 * (`defaultName` says what it defaults to) and the `model` it loads.
 */
export function detectorEntryHead<T extends string>(type: T, defaultName: string, model: { readonly default: string; readonly description: string }) {
  return {
    type: Type.Literal(type),
    name: Type.Optional(Type.String({ description: `Name in results; defaults to ${defaultName}.` })),
    model: Type.String({ default: model.default, description: model.description }),
  };
}

export type DetectorRegistry = ReadonlyMap<string, DetectorRegistration>;

export function createRegistry(entries: readonly DetectorRegistration[]): DetectorRegistry {
  const map = new Map<string, DetectorRegistration>();
  for (const e of entries) {
    if (map.has(e.type)) throw new Error(`detector type "${e.type}" registered twice`);
    map.set(e.type, e);
  }
  return map;
}

function registrationOf(registry: DetectorRegistry, entry: DetectorEntryConfig): DetectorRegistration {
  const reg = registry.get(entry.type);
  if (reg) return reg;
  const known = [...registry.keys()].join(', ') || 'none';
  throw new FakescopeError('E_CONFIG', `unknown detector type "${entry.type}" (known: ${known})`);
}

/** The entry's name in results: its own, else the registration's default, else the type. */
function nameOf<S extends TSchema>(reg: DetectorRegistration<S>, entry: DetectorEntryConfig, config: Static<S>): string {
  return entry.name ?? reg.defaultName?.(config) ?? entry.type;
}

/**
 * Validates each entry against its detector's schema, creates and warms up the detectors.
 * On any failure the detectors created so far are disposed before the error propagates.
 */
export async function createDetectors(
  registry: DetectorRegistry,
  entries: readonly DetectorEntryConfig[],
  ctx: DetectorContext,
): Promise<Detector[]> {
  const names = new Set<string>();
  const created: Detector[] = [];
  const create = async <S extends TSchema>(reg: DetectorRegistration<S>, entry: DetectorEntryConfig): Promise<Detector> => {
    const config = parseWith(reg.schema, entry, `detector "${entry.name ?? entry.type}"`);
    const name = nameOf(reg, entry, config);
    if (names.has(name)) throw new FakescopeError('E_CONFIG', `two detectors are named "${name}"; give one a "name"`);
    names.add(name);
    return reg.create(Object.assign({}, config, { name }), ctx);
  };
  try {
    for (const entry of entries) {
      const detector = await create(registrationOf(registry, entry), entry);
      created.push(detector);
      await detector.warmup();
    }
  } catch (e) {
    await Promise.allSettled(created.map((d) => d.dispose()));
    throw e;
  }
  return created;
}

/** The name each entry's detector will have in results (for selecting detectors by name). */
export function detectorNames(registry: DetectorRegistry, entries: readonly DetectorEntryConfig[]): string[] {
  const named = <S extends TSchema>(reg: DetectorRegistration<S>, entry: DetectorEntryConfig): string =>
    nameOf(reg, entry, parseWith(reg.schema, entry, `detector "${entry.type}"`));
  return entries.map((entry) => {
    const reg = registry.get(entry.type);
    if (!reg || entry.name) return entry.name ?? entry.type;
    return named(reg, entry);
  });
}
