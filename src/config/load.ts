import { readFileSync } from 'node:fs';
import { FakescopeError, describeError } from '../errors.js';
import type { Config } from './schema.js';
import { parseConfig } from './schema.js';

/** Part of a config, as a command's flags or defaults give it: any field may be left out. */
export type ConfigLayer = Layer<Config>;
type Layer<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: Layer<T[K]> | undefined } : T;

export interface ConfigSources {
  /** JSON config file (`--config`); none: the defaults. */
  readonly file?: string | undefined;
  /**
   * What the command sets over the file: its command-line flags (an undefined value sets nothing),
   * and what the command itself fixes (calibrate: no fitted policy).
   */
  readonly flags?: ConfigLayer;
  /** The command's own defaults: the file overrides them (e.g. the worker's port). */
  readonly defaults?: ConfigLayer;
}

/**
 * The one way a command gets its config: its defaults, under the file, under its flags, then
 * validated once by the schema (throws E_CONFIG; a flag's value is checked like the file's).
 */
export function loadConfig({ file, flags = {}, defaults = {} }: ConfigSources): Config {
  const fromFile = readConfigFile(file) ?? {};
  // A file that is not an object has nothing to merge: the schema says what is wrong with it.
  if (!isPlainObject(fromFile)) return parseConfig(fromFile);
  return parseConfig(overlay(overlay(defaults, fromFile), flags));
}

/** Reads a JSON config file as it is (validation comes after the layers are merged). */
function readConfigFile(path: string | undefined): unknown {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (e) {
    throw new FakescopeError('E_CONFIG', `cannot read config ${path}: ${describeError(e)}`);
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `over` laid on `base`: objects merge key by key, anything else (a value, an array) replaces, an
 * undefined value leaves `base` as it is. Neither input is changed. Pure.
 */
export function overlay(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(over)) return over;
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(over)) {
    const merged = overlay(out[key], value);
    if (merged !== undefined) out[key] = merged;
  }
  return out;
}
