import { fitPlatt, mapProbability } from '../core/platt.js';
import type { AttributionModel } from '../pipeline/attribution.js';
import { featureVector } from '../pipeline/attribution.js';
import type { PolicyFile } from '../pipeline/calibration-files.js';
import { POLICY_FORMAT } from '../pipeline/calibration-files.js';
import type { SegmentFeatures } from '../pipeline/segment-features.js';
import { fuseScores } from '../pipeline/verdict.js';
import type { CrossValidation } from './attribution-card.js';
import { crossValidate } from './attribution-card.js';
import { trainAttribution } from './attribution-train.js';
import { scoreFromFeatures } from './clip-result.js';
import type { CalibrationItem, DetectorItem } from './policy-fit.js';
import { balancedWeights, fitPolicy, fitWeights } from './policy-fit.js';
import type { EvalItem } from './types.js';

/**
 * What `fakescope calibrate` fits on the segments of a labelled set (cut by the runner): the
 * verdict policy with its fusion weights (policy-fit.ts), and the source classifier with its
 * leave-one-clip-out cross-validation (attribution-train.ts, attribution-card.ts). Pure: the
 * command reads the set and writes the files.
 */
export interface CalibrationSegment {
  readonly item: EvalItem;
  readonly features: SegmentFeatures;
}

/** Where a calibration comes from, recorded in the policy file (`fittedOn`) and the model card. */
export interface FittedOn {
  /** The dataset folder as stated in the artefacts (relative to the package when inside it). */
  readonly dataset: string;
  readonly datasetSha256: string;
  /** Clips analysed, and clips whose analysis failed (left out). */
  readonly items: number;
  readonly failed: number;
  /** Segments with a fused score: what the thresholds were fitted on. */
  readonly segments: number;
  readonly segmentFrames: number;
  readonly detectors: readonly string[];
  readonly createdAt: string;
}

/**
 * Fits the fusion weights of `fittedOn.detectors`, then the Platt map of the fused p(fake)
 * (class-balanced, so it is not bought by the majority class), then the verdict thresholds on the
 * mapped segments, aiming at `targetAccuracy` on the answered ones under the configuration's
 * `minConfidence` floor (which stays the configuration's: the file records it in `fit`). Null when no segment has a detector
 * answer (nothing to fit on).
 */
export function fitVerdictPolicy(
  segments: readonly CalibrationSegment[],
  goal: { readonly targetAccuracy: number; readonly minConfidence: number },
  fittedOn: Omit<FittedOn, 'segments'>,
): PolicyFile | null {
  const { detectors } = fittedOn;
  const perDetector = segments.map((x) => ({ fake: x.item.label === 'fake', detectors: detectors.map((d) => scoreFromFeatures(x.features, d)) }));
  if (!perDetector.some((x) => x.detectors.some((d) => d !== null))) return null;
  const fw = fitWeights(perDetector, detectors.length);
  const raw: CalibrationItem[] = perDetector.flatMap((x) => {
    const f = fuseScores(x.detectors.map((d) => d ?? { pFake: null, uncertainty: null, evidenceFrames: 0 }), fw.weights);
    return f.pFake === null ? [] : [{ fake: x.fake, p: f.pFake, epistemic: f.uncertainty?.epistemic ?? 0, disagreement: f.disagreement ?? 0 }];
  });
  const nFake = raw.filter((i) => i.fake).length;
  const platt = nFake > 0 && nFake < raw.length ? fitPlatt(raw.map((i) => i.p), raw.map((i) => i.fake), balancedWeights(raw)) : null;
  const map = platt ? { a: round(platt.a), b: round(platt.b) } : undefined;
  const subsets = platt ? subsetMaps(perDetector, detectors, fw.weights) : [];
  const items = raw.map((i) => ({ ...i, p: mapProbability(i.p, map) }));
  const fitted = fitPolicy(items, goal);
  const { dataset, datasetSha256, items: clips, failed, segmentFrames, createdAt } = fittedOn;
  return {
    format: POLICY_FORMAT,
    decisionThreshold: round(fitted.decisionThreshold),
    margin: fitted.margin,
    maxEpistemic: round(fitted.maxEpistemic),
    maxDisagreement: round(fitted.maxDisagreement),
    weights: Object.fromEntries(detectors.map((d, i) => [d, round(fw.weights[i] as number)])),
    ...(platt && map
      ? { calibration: { method: 'platt', ...map, nllBefore: round(platt.nllBefore), nllAfter: round(platt.nllAfter), ...(subsets.length ? { subsets } : {}) } }
      : {}),
    fittedOn: { dataset, datasetSha256, items: clips, failed, segments: items.length, segmentFrames, detectors, createdAt } satisfies FittedOn,
    fit: { ...fitted.fit, fusionNll: fw.nll, fusionNllEqualWeights: fw.nllEqual, weightCandidates: fw.candidates },
  };
}

/** Every non-empty proper subset of `names` (none for fewer than two), smallest first. */
export function properSubsets<T>(names: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let mask = 1; mask < (1 << names.length) - 1; mask++) out.push(names.filter((_, i) => mask & (1 << i)));
  return out.sort((a, b) => a.length - b.length);
}

/**
 * A Platt map for each proper subset of the positively weighted detectors (`mapFor` in
 * core/platt.ts): the mixture of only those detectors, with their fitted weights, on the segments
 * where every one of them answered, class-balanced. A subset whose segments lack a class gets none.
 */
export function subsetMaps(items: readonly DetectorItem[], detectors: readonly string[], weights: readonly number[]): NonNullable<NonNullable<PolicyFile['calibration']>['subsets']>[number][] {
  const positive = detectors.map((_, i) => i).filter((i) => (weights[i] as number) > 0);
  return properSubsets(positive).flatMap((subset) => {
    const w = weights.map((v, i) => (subset.includes(i) ? v : 0));
    const raw = items.flatMap((x) => {
      if (!subset.every((i) => x.detectors[i] !== null)) return [];
      const f = fuseScores(x.detectors.map((d) => d ?? { pFake: null, uncertainty: null, evidenceFrames: 0 }), w);
      return f.pFake === null ? [] : [{ fake: x.fake, p: f.pFake }];
    });
    const nFake = raw.filter((r) => r.fake).length;
    if (nFake === 0 || nFake === raw.length) return [];
    const fit = fitPlatt(raw.map((r) => r.p), raw.map((r) => r.fake), balancedWeights(raw));
    return [{ detectors: subset.map((i) => detectors[i] as string), a: round(fit.a), b: round(fit.b), nllBefore: round(fit.nllBefore), nllAfter: round(fit.nllAfter), segments: raw.length }];
  });
}

/** The source classifier and its cross-validation; the file holds the model with the CV result. */
export interface SourceClassifier {
  readonly model: AttributionModel;
  readonly crossValidation: CrossValidation;
  readonly file: AttributionModel;
}

/**
 * Trains the source classifier on every segment's features (label: "real" or the fake's method)
 * and cross-validates it leaving one source clip out at a time.
 */
export function trainSourceClassifier(segments: readonly CalibrationSegment[], training: { readonly source: string; readonly segmentFrames: number; readonly createdAt: string }): SourceClassifier {
  const names = [...new Set(segments.flatMap((x) => Object.keys(x.features)))].sort();
  const labels = segments.map((x) => (x.item.label === 'real' ? 'real' : x.item.method));
  const vectors = segments.map((x) => featureVector(names, x.features));
  const model = trainAttribution(names, vectors, labels, { training, keepData: true });
  const groups = segments.map((x) => x.item.clip ?? x.item.file);
  const crossValidation = crossValidate(names, vectors, labels, groups, { training });
  return { model, crossValidation, file: { ...model, training: { ...model.training, crossValidation } } };
}

const round = (x: number) => Math.round(x * 1e5) / 1e5;
