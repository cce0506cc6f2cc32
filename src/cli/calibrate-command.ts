import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { PACKAGE_ROOT, buildApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { builtinRegistry } from '../detectors/builtin.js';
import { detectorNames } from '../detectors/registry.js';
import { FakescopeError } from '../errors.js';
import { attributionCard } from '../eval/attribution-card.js';
import { fitVerdictPolicy, trainSourceClassifier } from '../eval/calibration.js';
import { loadDataset } from '../eval/dataset.js';
import { runDataset } from '../eval/runner.js';
import type { CalibrateArgs } from './args.js';
import { writeJsonAtomic } from './output.js';

/**
 * `fakescope calibrate <dataset>`: analyses a labelled calibration set with the configured
 * detectors (and no fitted policy or attribution model, since those are what it makes), cuts
 * each clip into segments of `--segment-frames` analysed frames, and fits on the segments
 * (src/eval/calibration.ts)
 *   - the fusion weights and verdict thresholds → <out>/verdict-policy.json
 *   - the source classifier → <out>/attribution/attribution.json with a model card.
 * Never evaluate on the set you calibrate on: `fakescope eval` says so when it sees that.
 */
export async function calibrate(args: CalibrateArgs): Promise<number> {
  // No fitted policy or attribution model: those are what it makes.
  const config = loadConfig({ file: args.config, flags: { verdict: { fitted: null }, attribution: { model: null } } });
  const ds = loadDataset(resolve(args.dataset));
  const out = resolve(args.out ?? join(PACKAGE_ROOT, 'models'));
  const registry = builtinRegistry();
  const app = buildApp(config, registry);

  const log = (l: string) => {
    if (!args.quiet) process.stderr.write(`${l}\n`);
  };
  try {
    for (const x of ds.skipped) log(`${x.file}: label "${x.label}" is neither real nor fake; left out`);
    const detectors = detectorNames(registry, config.detectors);
    const runs = await runDataset(app, ds, {
      perturbation: 'none',
      cacheDir: join(tmpdir(), 'fakescope-cache', 'calibrate', ds.sha256.slice(0, 16)),
      segmentFrames: args.segmentFrames,
      log,
    });
    const failed = runs.filter((r) => r.result.error);
    const segments = runs.filter((r) => !r.result.error).flatMap((r) => r.segments.map((s) => ({ item: r.result.item, features: s.features })));
    const createdAt = new Date().toISOString();
    const policy = fitVerdictPolicy(segments, { targetAccuracy: args.targetAccuracy, minConfidence: config.verdict.minConfidence }, {
      dataset: displayPath(ds.root),
      datasetSha256: ds.sha256,
      items: ds.items.length - failed.length,
      failed: failed.length,
      segmentFrames: args.segmentFrames,
      detectors,
      createdAt,
    });
    if (!policy) throw new FakescopeError('E_INPUT_CORRUPT', `no segment of ${ds.root} got a detector answer: nothing to calibrate on`);
    mkdirSync(out, { recursive: true });
    writeJsonAtomic(join(out, 'verdict-policy.json'), policy);
    log(`verdict policy → ${join(out, 'verdict-policy.json')}: ${JSON.stringify({ ...policy, fittedOn: undefined, format: undefined })}`);

    const training = { source: `fakescope calibrate on ${displayPath(ds.root)} (sha256 ${ds.sha256.slice(0, 12)})`, segmentFrames: args.segmentFrames, createdAt };
    const { model, crossValidation: cv, file } = trainSourceClassifier(segments, training);
    mkdirSync(join(out, 'attribution'), { recursive: true });
    writeJsonAtomic(join(out, 'attribution', 'attribution.json'), file);
    writeFileSync(join(out, 'attribution', 'MODEL_CARD.md'), attributionCard(model, cv, policy.fittedOn));
    log(`source classifier → ${join(out, 'attribution')}: ${model.classes.length} classes, ${model.featureNames.length} features, ${segments.length} segments; leave-one-clip-out accuracy ${cv.accuracy?.toFixed(3) ?? '—'}`);
    return 0;
  } finally {
    await app.stop();
  }
}

/** Paths inside the package are stated relative to it (fitted files travel with the package). */
function displayPath(p: string): string {
  const r = relative(PACKAGE_ROOT, p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
}
