import type { SegmentFeatures } from './segment-features.js';

/**
 * Source attribution from the uncertainty manifold: a multinomial logistic regression over the
 * segment features (`segment-features.ts`) into the known generators (and 'real'), with an
 * 'unknown' answer when the most probable class is below a threshold fitted on the training data.
 * Trained by `fakescope calibrate` (src/eval/attribution-train.ts); the file is data, like an
 * ONNX model: models/attribution/attribution.json. Pure functions.
 */
export const ATTRIBUTION_FORMAT = 'fakescope-attribution-v1';

export interface AttributionModel {
  readonly format: typeof ATTRIBUTION_FORMAT;
  readonly classes: readonly string[];
  readonly featureNames: readonly string[];
  /** Standardisation: z = (x − mean) / std; a missing feature gets z = 0 (the training mean). */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** weights[class][feature] and bias[class] of the softmax. */
  readonly weights: readonly (readonly number[])[];
  readonly bias: readonly number[];
  /** Below this top-class probability the answer is 'unknown'. */
  readonly unknownThreshold: number;
  /** Fewer features present than this fraction of featureNames: no attribution (wrong detectors). */
  readonly minFeatureCoverage: number;
  /** What it was trained on (free-form, stated in reports). */
  readonly training: Readonly<Record<string, unknown>> & { readonly source: string };
  /** The training rows, kept so that evaluation can refit it (leave-one-generator-out). */
  readonly data?: { readonly features: readonly (readonly (number | null)[])[]; readonly labels: readonly string[] };
}

export interface SourceEstimate {
  readonly classes: readonly string[];
  readonly probabilities: readonly number[];
  /** The most probable class, or 'unknown' when its probability is below the model's threshold. */
  readonly top: string;
  /** The most probable known class, whatever its probability. */
  readonly best: string;
  /** Entropy of the class probabilities (nats): the estimate's own uncertainty. */
  readonly entropy: number;
  /** Fraction of the model's features this segment had. */
  readonly featureCoverage: number;
}

/** Feature vector in the model's order; null where the segment has no value. */
export function featureVector(names: readonly string[], f: SegmentFeatures): (number | null)[] {
  return names.map((n) => (Number.isFinite(f[n]) ? (f[n] as number) : null));
}

export function softmax(z: readonly number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Class probabilities of one standardised-on-the-fly feature vector. */
export function classProbabilities(model: AttributionModel, x: readonly (number | null)[]): number[] {
  const z = model.bias.map((b, c) => {
    let s = b;
    const w = model.weights[c] as readonly number[];
    x.forEach((v, j) => {
      if (v !== null) s += (w[j] as number) * ((v - (model.mean[j] as number)) / (model.std[j] as number));
    });
    return s;
  });
  return softmax(z);
}

export function estimateSource(model: AttributionModel, f: SegmentFeatures): SourceEstimate | null {
  const x = featureVector(model.featureNames, f);
  const present = x.filter((v) => v !== null).length;
  const coverage = model.featureNames.length > 0 ? present / model.featureNames.length : 0;
  if (coverage < model.minFeatureCoverage) return null;
  const p = classProbabilities(model, x);
  let best = 0;
  p.forEach((v, i) => {
    if (v > (p[best] as number)) best = i;
  });
  const entropy = -p.reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);
  const bestName = model.classes[best] as string;
  return {
    classes: model.classes,
    probabilities: p.map((v) => Math.round(v * 1e4) / 1e4),
    top: (p[best] as number) < model.unknownThreshold ? 'unknown' : bestName,
    best: bestName,
    entropy,
    featureCoverage: coverage,
  };
}

/** Checks a parsed JSON value is an attribution model; throws a one-line error naming the problem. */
export function checkAttributionModel(v: unknown, where: string): AttributionModel {
  const m = v as AttributionModel;
  const fail = (why: string): never => {
    throw new Error(`${where}: not a usable attribution model (${why})`);
  };
  if (!m || typeof m !== 'object' || m.format !== ATTRIBUTION_FORMAT) fail(`format must be "${ATTRIBUTION_FORMAT}"`);
  const d = m.featureNames?.length ?? 0;
  const k = m.classes?.length ?? 0;
  if (k < 2) fail('needs at least two classes');
  if (m.mean?.length !== d || m.std?.length !== d) fail('mean/std length differs from featureNames');
  if (m.std.some((s) => !(s > 0))) fail('std must be > 0');
  if (m.bias?.length !== k || m.weights?.length !== k || m.weights.some((w) => w.length !== d)) fail('weights/bias shape');
  if (!(m.unknownThreshold >= 0 && m.unknownThreshold <= 1)) fail('unknownThreshold outside [0, 1]');
  return m;
}
