import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { lastValueFrom } from 'rxjs';
import type { App } from '../app.js';
import { PACKAGE_ROOT } from '../app.js';
import { describeError } from '../errors.js';
import type { SegmentRow } from './clip-result.js';
import { clipResult, failedClip, segmentRows } from './clip-result.js';
import type { Dataset } from './dataset.js';
import type { ClipResult, EvalItem } from './types.js';

/**
 * Runs the analyzer over a dataset, one clip at a time (the analyzer already uses every core),
 * caching each clip's result on disk so that an interrupted evaluation resumes where it stopped.
 * The cache key covers the file, the perturbation, everything in the config that changes the
 * analysis and the detectors' model manifests, so a changed config or a retrained model never
 * reads stale results. The verdict policy and the source
 * classifier are not in it: callers re-apply them (`reapply` in clip-result.ts).
 */
export interface ClipRun {
  readonly result: ClipResult;
  readonly segments: readonly SegmentRow[];
}

/** Makes the file to analyse (e.g. a perturbed copy) and removes it afterwards. */
export type Prepare = (input: string) => Promise<{ readonly path: string; cleanup(): void }>;

export interface RunOptions {
  readonly perturbation: string;
  readonly prepare?: Prepare;
  readonly cacheDir: string;
  readonly segmentFrames: number;
  readonly log?: (line: string) => void;
}

export async function runDataset(app: App, ds: Dataset, opts: RunOptions): Promise<ClipRun[]> {
  mkdirSync(opts.cacheDir, { recursive: true });
  const configKey = JSON.stringify([app.config.seed, app.config.analysis, app.config.faces, app.config.detectors, opts.segmentFrames, modelsFingerprint(app.config.detectors)]);
  const out: ClipRun[] = [];
  let n = 0;
  for (const item of ds.items) {
    n++;
    const key = createHash('sha256').update(`${configKey}\n${opts.perturbation}\n${item.file}`).digest('hex').slice(0, 24);
    const cache = join(opts.cacheDir, `${key}.json`);
    if (existsSync(cache)) {
      out.push(JSON.parse(readFileSync(cache, 'utf8')) as ClipRun);
      continue;
    }
    const run = await runClip(app, ds.root, item, opts);
    const r = run.result;
    opts.log?.(
      `[${n}/${ds.items.length}] ${opts.perturbation} ${item.file}: ` +
        (r.error ? `failed (${r.error})` : `p(fake) ${r.fused.pFake?.toFixed(3) ?? '—'} ${r.verdict}${r.attribution ? `, source ${r.attribution.top}` : ''} (${(r.wallMs / 1000).toFixed(1)} s)`),
    );
    writeFileSync(`${cache}.tmp`, JSON.stringify(run));
    renameSync(`${cache}.tmp`, cache);
    out.push(run);
  }
  return out;
}

/**
 * The detectors' model manifests, hashed: a retrained model (its manifest holds the ONNX file's
 * sha256) must not be served analyses cached with the old one. Resolved as the loaders do (a path,
 * or a folder under models/, with or without manifest.json; the detector's own folder without one); a model that cannot be found counts
 * as its name (the analysis then fails on its own).
 */
export function modelsFingerprint(detectors: readonly { readonly type: string }[]): string {
  const h = createHash('sha256');
  for (const d of detectors) {
    // Without a `model`, a detector loads its own folder (models/rppg, models/motion).
    const given = (d as { model?: unknown }).model;
    const model = typeof given === 'string' ? given : d.type;
    const candidates = (isAbsolute(model) ? [model] : [resolve(model), join(PACKAGE_ROOT, 'models', model)]).map((c) => (c.endsWith('.json') ? c : join(c, 'manifest.json')));
    const found = candidates.find((c) => existsSync(c));
    h.update(found ? readFileSync(found) : model).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

async function runClip(app: App, root: string, item: EvalItem, opts: RunOptions): Promise<ClipRun> {
  const t0 = performance.now();
  let prepared: { path: string; cleanup(): void } | null = null;
  try {
    const input = join(root, item.file);
    prepared = opts.prepare ? await opts.prepare(input) : null;
    const analysis = await app.analyze(prepared?.path ?? input, { keepFrames: true });
    await lastValueFrom(analysis.results, { defaultValue: null });
    const report = await analysis.report;
    const wallMs = performance.now() - t0;
    return {
      result: clipResult(item, opts.perturbation, { ...report, frames: [] }, wallMs),
      segments: segmentRows(report.frames, analysis.detectorNames, opts.segmentFrames),
    };
  } catch (e) {
    return { result: failedClip(item, opts.perturbation, describeError(e), performance.now() - t0), segments: [] };
  } finally {
    prepared?.cleanup();
  }
}
