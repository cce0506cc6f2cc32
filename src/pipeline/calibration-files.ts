import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Config } from '../config/schema.js';
import { FakescopeError } from '../errors.js';
import type { AttributionModel } from './attribution.js';
import { checkAttributionModel } from './attribution.js';
import type { VerdictPolicy } from './verdict.js';

/**
 * The two calibration artefacts the analyzer reads at start (both written by `fakescope
 * calibrate`): the fitted verdict policy and the source-attribution model. Missing or malformed
 * files are configuration errors, named with their path.
 */
export const POLICY_FORMAT = 'fakescope-verdict-policy-v1';

/** The verdict policy in force, with where its thresholds came from (stated in every report). */
export interface PolicyInfo extends VerdictPolicy {
  readonly source: string;
}

/** What `fakescope calibrate` writes to models/verdict-policy.json. */
export interface PolicyFile {
  readonly format: typeof POLICY_FORMAT;
  readonly decisionThreshold: number;
  readonly margin: number;
  readonly maxEpistemic: number;
  readonly maxDisagreement: number;
  /** Fusion weight per detector name. */
  readonly weights?: Readonly<Record<string, number>>;
  /** Platt map of the fused p(fake) (verdict.ts `calibrated`), with its class-balanced NLL on the segments before and after. */
  readonly calibration?: {
    readonly method: 'platt';
    readonly a: number;
    readonly b: number;
    readonly nllBefore: number;
    readonly nllAfter: number;
    /** Maps for mixtures of only some of the weighted detectors (`mapFor` in core/platt.ts), each fitted on the segments where all of them answered. */
    readonly subsets?: readonly { readonly detectors: readonly string[]; readonly a: number; readonly b: number; readonly nllBefore: number; readonly nllAfter: number; readonly segments: number }[];
  };
  readonly fittedOn: Readonly<Record<string, unknown>> & { readonly dataset: string; readonly detectors: readonly string[] };
  readonly fit: Readonly<Record<string, unknown>>;
}

function resolve(root: string, p: string): string {
  return isAbsolute(p) ? p : join(root, p);
}

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new FakescopeError('E_CONFIG', `${what} not found: ${path} (set it to null in the config to do without)`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new FakescopeError('E_CONFIG', `${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

export function loadPolicy(config: Config, root: string, detectors: readonly string[]): PolicyInfo {
  const v = config.verdict;
  const manual = {
    decisionThreshold: v.decisionThreshold,
    margin: v.margin,
    maxEpistemic: v.maxEpistemic,
    maxDisagreement: v.maxDisagreement,
    minEvidenceFrames: v.minEvidenceFrames,
    minConfidence: v.minConfidence,
  };
  if (v.fitted === null) return { ...manual, source: 'configuration (verdict.fitted = null): thresholds not fitted' };
  const path = resolve(root, v.fitted);
  const f = readJson(path, 'verdict policy') as PolicyFile;
  const nums = ['decisionThreshold', 'margin', 'maxEpistemic', 'maxDisagreement'] as const;
  if (f?.format !== POLICY_FORMAT || nums.some((k) => typeof f[k] !== 'number' || !Number.isFinite(f[k]))) {
    throw new FakescopeError('E_CONFIG', `verdict policy ${path}: not a "${POLICY_FORMAT}" file with ${nums.join(', ')}`);
  }
  const weights = f.weights ?? {};
  if (Object.values(weights).some((w) => typeof w !== 'number' || !(w >= 0))) throw new FakescopeError('E_CONFIG', `verdict policy ${path}: weights must be numbers ≥ 0`);
  const c = f.calibration;
  if (c !== undefined && (c?.method !== 'platt' || !(typeof c.a === 'number' && c.a > 0) || !(typeof c.b === 'number' && Number.isFinite(c.b)))) {
    throw new FakescopeError('E_CONFIG', `verdict policy ${path}: calibration must be {"method": "platt", "a": a number > 0, "b": a finite number}`);
  }
  const subsets = c?.subsets;
  const goodSubset = (m: unknown) => {
    const x = m as { detectors?: unknown; a?: unknown; b?: unknown };
    return Array.isArray(x?.detectors) && x.detectors.length > 0 && x.detectors.every((d) => typeof d === 'string') && typeof x.a === 'number' && x.a > 0 && typeof x.b === 'number' && Number.isFinite(x.b);
  };
  if (subsets !== undefined && !(Array.isArray(subsets) && subsets.every(goodSubset))) {
    throw new FakescopeError('E_CONFIG', `verdict policy ${path}: calibration.subsets must be a list of {"detectors": [names…], "a": a number > 0, "b": a finite number}`);
  }
  const fitted = f.fittedOn.detectors ?? [];
  const same = fitted.length === detectors.length && fitted.every((d) => detectors.includes(d));
  const source =
    `fitted by fakescope calibrate on ${f.fittedOn.dataset} (sha256 ${String(f.fittedOn.datasetSha256 ?? '?').slice(0, 12)}; ${String(f.fittedOn.items ?? '?')} clips, ${String(f.fittedOn.segments ?? '?')} segments)` +
    (f.fit?.targetMet === false
      ? `; its target accuracy ${String(f.fit.targetAccuracy)} was not reachable on that set (best 95 % lower bound ${Number(f.fit.accuracyLowerBound).toFixed(2)})`
      : '') +
    (same ? '' : `; fitted for detectors [${fitted.join(', ')}], these are [${detectors.join(', ')}]: thresholds may not transfer`);
  const calibration = c ? { a: c.a, b: c.b, ...(subsets?.length ? { subsets: subsets.map((m) => ({ detectors: [...m.detectors], a: m.a, b: m.b })) } : {}) } : undefined;
  return { ...manual, ...Object.fromEntries(nums.map((k) => [k, f[k]])), weights, ...(calibration ? { calibration } : {}), source } as PolicyInfo;
}

export function loadAttribution(config: Config, root: string): AttributionModel | null {
  const p = config.attribution.model;
  if (p === null) return null;
  const path = resolve(root, p);
  try {
    return checkAttributionModel(readJson(path, 'attribution model'), path);
  } catch (e) {
    if (e instanceof FakescopeError) throw e;
    throw new FakescopeError('E_CONFIG', (e as Error).message);
  }
}
