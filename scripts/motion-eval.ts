/**
 * The motion detector inside the whole analyzer, for docs/motion.md: runs rPPG, the default blind
 * detector and the motion detector over a labelled set (the same runner, cache and segments as
 * `fakescope calibrate`, so a later calibrate run with the same config reuses the analyses), then
 *   - per clip: each detector's clip p(fake) (the table beside rPPG and the blind detector);
 *   - fusion weights fitted on the set's segments (policy-fit.ts fitWeights) with and without motion;
 *   - source attribution (the segment-feature classifier of `fakescope calibrate`), leave-one-
 *     group-out cross-validated, with and without the motion detector's features.
 *
 *   npm run build && nice -n 10 node dist/scripts/motion-eval.js <set folder> [--out FILE] [--segment-frames 30] [--cache DIR] [--weights-from FILE]
 *
 * Groups for cross-validation: the person / source / DeepFaceLive-pair groups of
 * models/training/face_index.py `group_of` (mirrored in `groupOf` below), so no person is on both
 * sides of a fold.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config/schema.js';
import { builtinRegistry } from '../src/detectors/builtin.js';
import { detectorNames } from '../src/detectors/registry.js';
import { crossValidate } from '../src/eval/attribution-card.js';
import { scoreFromFeatures } from '../src/eval/clip-result.js';
import { loadDataset } from '../src/eval/dataset.js';
import { auc } from '../src/eval/metrics.js';
import { fitWeights } from '../src/eval/policy-fit.js';
import { runDataset } from '../src/eval/runner.js';
import { featureVector } from '../src/pipeline/attribution.js';
import { fuseScores } from '../src/pipeline/verdict.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, 'segment-frames': { type: 'string', default: '30' }, 'weights-from': { type: 'string' }, cache: { type: 'string' } },
});

/** models/training/face_index.py group_of, for clip names (file stems) and their source folder. */
export function groupOf(clip: string, source: string): string {
  const m = /^(?:real_dfl-stream|fake_deepfacelive)_(.+?)(?:_\d+)?$/.exec(clip);
  if (m) return `dfl:${m[1] as string}`;
  if (clip.startsWith('img_real_deepface')) return 'deepface-photos';
  if (clip.includes('cyshih')) return 'ffpp:cyshih';
  if (clip.startsWith('fake_anitalker_') && clip.endsWith('lianliru')) return 'anitalker:lianliru';
  if (clip === 'fake_edtalk_A' || clip === 'fake_edtalk_facesr_A') return 'edtalk:A';
  return `${source}:${clip}`;
}

async function main(): Promise<void> {
  const root = resolve(positionals[0] ?? '../shared/media');
  const segmentFrames = Number(values['segment-frames']);
  const config = parseConfig({
    detectors: [{ type: 'rppg' }, { type: 'blind', model: 'blind-faceres-sbi-mcd' }, { type: 'motion' }],
    verdict: { fitted: null },
    attribution: { model: null },
  });
  const ds = loadDataset(root);
  const registry = builtinRegistry();
  const app = buildApp(config, registry);
  const detectors = detectorNames(registry, config.detectors);
  try {
    const runs = await runDataset(app, ds, {
      perturbation: 'none',
      // The runner's cache key covers the config, not the model files: after retraining a model,
      // pass a fresh --cache folder or the old analyses are read back.
      cacheDir: values.cache ? resolve(values.cache) : join(tmpdir(), 'fakescope-cache', 'calibrate', ds.sha256.slice(0, 16)),
      segmentFrames,
      log: (l) => process.stderr.write(`${l}\n`),
    });
    const ok = runs.filter((r) => !r.result.error);
    const clips = ok.map((r) => ({
      file: r.result.item.file,
      label: r.result.item.label,
      method: r.result.item.method,
      frames: r.result.frames,
      scores: Object.fromEntries(detectors.map((d) => [d, r.result.detectors[d]?.pFake ?? null])),
      motionOkFraction: r.result.features['motion.okFraction'] ?? null,
      features: r.result.features,
    }));
    const rows = ok.flatMap((r) => r.segments.map((s) => ({ r, s })));
    const fake = rows.map((x) => x.r.result.item.label === 'fake');
    const scored = (names: readonly string[]) => rows.map((x) => names.map((d) => scoreFromFeatures(x.s.features, d)));
    const fusion = (names: readonly string[]) => {
      const per = scored(names);
      const fw = fitWeights(per.map((d, i) => ({ fake: fake[i] as boolean, detectors: d })), names.length);
      const fused = per.map((d) => fuseScores(d.map((v) => v ?? { pFake: null, uncertainty: null, evidenceFrames: 0 }), fw.weights).pFake);
      const answered = fused.map((p, i) => ({ p, y: fake[i] as boolean })).filter((x) => x.p !== null) as { p: number; y: boolean }[];
      return {
        detectors: names,
        weights: Object.fromEntries(names.map((d, i) => [d, fw.weights[i] as number])) as Record<string, number>,
        nll: fw.nll,
        nllEqual: fw.nllEqual,
        segmentAuc: auc(answered.map((x) => x.p), answered.map((x) => x.y)),
        segments: answered.length,
      };
    };
    const withMotion = fusion(detectors);
    const withoutMotion = fusion(detectors.filter((d) => d !== 'motion'));
    // Clip-level fused AUC with given weights (fitted here, or on another set: --weights-from).
    const clipFusion = (weights: Readonly<Record<string, number>>) => {
      const names = Object.keys(weights);
      const fused = ok.map((r) => ({
        y: r.result.item.label === 'fake',
        p: fuseScores(names.map((d) => scoreFromFeatures(r.result.features, d) ?? { pFake: null, uncertainty: null, evidenceFrames: 0 }), names.map((d) => weights[d] as number)).pFake,
      }));
      const answered = fused.filter((x) => x.p !== null) as { p: number; y: boolean }[];
      return { weights, clips: answered.length, clipAuc: auc(answered.map((x) => x.p), answered.map((x) => x.y)) };
    };
    const other = values['weights-from']
      ? (JSON.parse(readFileSync(values['weights-from'], 'utf8')) as { fusion: { withMotion: { weights: Record<string, number> }; withoutMotion: { weights: Record<string, number> } } }).fusion
      : null;
    const clipLevel = {
      fittedHere: { withMotion: clipFusion(withMotion.weights), withoutMotion: clipFusion(withoutMotion.weights) },
      ...(other ? { fittedElsewhere: { from: values['weights-from'], withMotion: clipFusion(other.withMotion.weights), withoutMotion: clipFusion(other.withoutMotion.weights) } } : {}),
      perDetector: Object.fromEntries(detectors.map((d) => [d, clipFusion({ [d]: 1 })])),
      // Fixed weights, fitted on nothing: the shipped policy's (rPPG 0, blind 1) plus motion at 1.
      blindPlusMotion: clipFusion(Object.fromEntries(detectors.map((d) => [d, d === 'rppg' ? 0 : 1]))),
    };
    const labels = rows.map((x) => (x.r.result.item.label === 'real' ? 'real' : x.r.result.item.method));
    const groups = rows.map((x) => groupOf((x.r.result.item.clip ?? x.r.result.item.file).replace(/\.[^.]+$/, ''), basename(root)));
    const attribution = (keep: (name: string) => boolean) => {
      const names = [...new Set(rows.flatMap((x) => Object.keys(x.s.features)))].filter(keep).sort();
      const vectors = rows.map((x) => featureVector(names, x.s.features));
      const cv = crossValidate(names, vectors, labels, groups, { training: { source: 'scripts/motion-eval.ts' } });
      return { features: names.length, ...cv };
    };
    const out = {
      set: root,
      sha256: ds.sha256,
      clips: clips.length,
      failed: runs.length - ok.length,
      segments: rows.length,
      segmentFrames,
      perClip: clips,
      fusion: { withMotion, withoutMotion },
      clipLevel,
      attribution: { withMotion: attribution(() => true), withoutMotion: attribution((n) => !n.startsWith('motion.')), motionOnly: attribution((n) => n.startsWith('motion.')) },
    };
    const path = resolve(values.out ?? `models/training/cache/motion/eval-${basename(root)}.json`);
    writeFileSync(path, JSON.stringify(out, null, 1));
    process.stderr.write(`→ ${path}\n`);
  } finally {
    await app.stop();
  }
}

await main();
