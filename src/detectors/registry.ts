import type { TSchema } from '@sinclair/typebox';
import type { DetectorEntryConfig } from '../config.js';
import { parseWith } from '../config.js';
import { FakescopeError } from '../errors.js';
import type { Detector, DetectorContext } from './contract.js';

/**
 * The one detector registry: config `type` → the detector's own config schema and factory.
 * Each detector folder exports one `DetectorRegistration`; `builtinRegistry` lists them.
 */
export interface DetectorRegistration<S extends TSchema = TSchema> {
  readonly type: string;
  readonly description: string;
  readonly schema: S;
  readonly create: (config: never, ctx: DetectorContext) => Promise<Detector>;
  /** Name in results when the entry gives none (default: the type). */
  readonly defaultName?: (config: never) => string;
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
  try {
    for (const entry of entries) {
      const reg = registry.get(entry.type);
      if (!reg) {
        const known = [...registry.keys()].join(', ') || 'none';
        throw new FakescopeError('E_CONFIG', `unknown detector type "${entry.type}" (known: ${known})`);
      }
      const config = parseWith(reg.schema, entry, `detector "${entry.name ?? entry.type}"`);
      const name = entry.name ?? reg.defaultName?.(config as never) ?? entry.type;
      if (names.has(name)) throw new FakescopeError('E_CONFIG', `two detectors are named "${name}"; give one a "name"`);
      names.add(name);
      const detector = await reg.create({ ...(config as object), name } as never, ctx);
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
  return entries.map((entry) => {
    const reg = registry.get(entry.type);
    if (!reg || entry.name) return entry.name ?? entry.type;
    const config = parseWith(reg.schema, entry, `detector "${entry.type}"`);
    return reg.defaultName?.(config as never) ?? entry.type;
  });
}
