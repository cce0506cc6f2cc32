import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { PACKAGE_ROOT, buildApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { builtinRegistry } from '../detectors/builtin.js';
import { detectorNames } from '../detectors/registry.js';
import { FakescopeError } from '../errors.js';
import { attributionCard, crossValidate } from '../eval/attribution-card.js';
import { trainAttribution } from '../eval/attribution-train.js';
import { loadDataset } from '../eval/dataset.js';
import type { CalibrationItem } from '../eval/policy-fit.js';
import { fitPolicy, fitWeights } from '../eval/policy-fit.js';
import { scoreFromFeatures } from '../eval/clip-result.js';
import { fuseScores } from '../pipeline/verdict.js';
import { runDataset } from '../eval/runner.js';
import { featureVector } from '../pipeline/attribution.js';
import type { PolicyFile } from '../pipeline/calibration-files.js';
import { POLICY_FORMAT } from '../pipeline/calibration-files.js';
import type { CalibrateArgs } from './args.js';
import { writeJsonAtomic } from './output.js';

/**
 * `fakescope calibrate <dataset>`: analyses a labelled calibration set with the configured
 * detectors (and no fitted policy or attribution model, since those are what it makes), cuts
 * each clip into segments of `--segment-frames` analysed frames, and fits on the segments
 *   - the fusion weights and verdict thresholds (src/eval/policy-fit.ts) → <out>/verdict-policy.json
 *   - the source classifier (src/eval/attribution-train.ts) → <out>/attribution/attribution.json
 *     with a model card.
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
    const rows = runs.filter((r) => !r.result.error).flatMap((r) => r.segments.map((s) => ({ item: r.result.item, s })));
    const perDetector = rows.map((x) => ({ fake: x.item.label === 'fake', detectors: detectors.map((d) => scoreFromFeatures(x.s.features, d)) }));
    if (!perDetector.some((x) => x.detectors.some((d) => d !== null))) {
      throw new FakescopeError('E_INPUT_CORRUPT', `no segment of ${ds.root} got a detector answer: nothing to calibrate on`);
    }
    const fw = fitWeights(perDetector, detectors.length);
    const items: CalibrationItem[] = perDetector.flatMap((x) => {
      const f = fuseScores(x.detectors.map((d) => d ?? { pFake: null, uncertainty: null, evidenceFrames: 0 }), fw.weights);
      return f.pFake === null ? [] : [{ fake: x.fake, p: f.pFake, epistemic: f.uncertainty?.epistemic ?? 0, disagreement: f.disagreement ?? 0 }];
    });
    const fitted = fitPolicy(items, { targetAccuracy: args.targetAccuracy });
    const fittedOn = {
      dataset: displayPath(ds.root),
      datasetSha256: ds.sha256,
      items: ds.items.length - failed.length,
      failed: failed.length,
      segments: items.length,
      segmentFrames: args.segmentFrames,
      detectors,
      createdAt: new Date().toISOString(),
    };
    const policy: PolicyFile = {
      format: POLICY_FORMAT,
      decisionThreshold: round(fitted.decisionThreshold),
      margin: fitted.margin,
      maxEpistemic: round(fitted.maxEpistemic),
      maxDisagreement: round(fitted.maxDisagreement),
      weights: Object.fromEntries(detectors.map((d, i) => [d, round(fw.weights[i] as number)])),
      fittedOn,
      fit: { ...fitted.fit, fusionNll: fw.nll, fusionNllEqualWeights: fw.nllEqual, weightCandidates: fw.candidates },
    };
    mkdirSync(out, { recursive: true });
    writeJsonAtomic(join(out, 'verdict-policy.json'), policy);
    log(`verdict policy → ${join(out, 'verdict-policy.json')}: ${JSON.stringify({ ...policy, fittedOn: undefined, format: undefined })}`);

    const names = [...new Set(rows.flatMap((x) => Object.keys(x.s.features)))].sort();
    const labels = rows.map((x) => (x.item.label === 'real' ? 'real' : x.item.method));
    const vectors = rows.map((x) => featureVector(names, x.s.features));
    const training = { source: `fakescope calibrate on ${displayPath(ds.root)} (sha256 ${ds.sha256.slice(0, 12)})`, segmentFrames: args.segmentFrames, createdAt: fittedOn.createdAt };
    const model = trainAttribution(names, vectors, labels, { training, keepData: true });
    const groups = rows.map((x) => x.item.clip ?? x.item.file);
    const cv = crossValidate(names, vectors, labels, groups, { training });
    mkdirSync(join(out, 'attribution'), { recursive: true });
    writeJsonAtomic(join(out, 'attribution', 'attribution.json'), { ...model, training: { ...model.training, crossValidation: cv } });
    writeFileSync(join(out, 'attribution', 'MODEL_CARD.md'), attributionCard(model, cv, fittedOn));
    log(`source classifier → ${join(out, 'attribution')}: ${model.classes.length} classes, ${model.featureNames.length} features, ${rows.length} segments; leave-one-clip-out accuracy ${cv.accuracy?.toFixed(3) ?? '—'}`);
    return 0;
  } finally {
    await app.stop();
  }
}

const round = (x: number) => Math.round(x * 1e5) / 1e5;

/** Paths inside the package are stated relative to it (fitted files travel with the package). */
function displayPath(p: string): string {
  const r = relative(PACKAGE_ROOT, p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
}
