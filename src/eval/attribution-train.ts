import { meanOrNull, quantile } from '../core/stats.js';
import type { AttributionModel } from '../pipeline/attribution.js';
import { ATTRIBUTION_FORMAT, classProbabilities } from '../pipeline/attribution.js';

/**
 * Fits the source-attribution model (`src/pipeline/attribution.ts`): multinomial logistic
 * regression with L2 on standardised features, class-balanced, full-batch gradient descent (the
 * data are a few hundred segments × a few dozen features). Missing values are imputed with the
 * feature's training mean (z = 0), as at inference. Pure and deterministic.
 */
export interface TrainOptions {
  readonly l2?: number;
  readonly iterations?: number;
  readonly learningRate?: number;
  /** Quantile of the training items' top-class probability below which answers are 'unknown'. */
  readonly unknownQuantile?: number;
  readonly minFeatureCoverage?: number;
  readonly training: Readonly<Record<string, unknown>> & { readonly source: string };
  /** Keep the rows in the model file (for leave-one-generator-out refits). */
  readonly keepData?: boolean;
}

export function trainAttribution(
  featureNames: readonly string[],
  rows: readonly (readonly (number | null)[])[],
  labels: readonly string[],
  opts: TrainOptions,
): AttributionModel {
  if (rows.length !== labels.length || rows.length === 0) throw new RangeError('need as many labels as rows, at least one');
  const classes = [...new Set(labels)].sort((a, b) => (a === 'real' ? -1 : b === 'real' ? 1 : a.localeCompare(b)));
  if (classes.length < 2) throw new RangeError('need at least two classes');
  // Features present in too few rows carry no information: drop them.
  const keep = featureNames.map((_, j) => rows.filter((r) => r[j] !== null && r[j] !== undefined).length >= Math.max(2, rows.length * 0.5));
  const names = featureNames.filter((_, j) => keep[j]);
  const cols = featureNames.map((_, j) => j).filter((j) => keep[j]);
  const mean = cols.map((j) => avg(rows.map((r) => r[j] ?? null)));
  const std = cols.map((j, i) => {
    const m = mean[i] as number;
    const vals = rows.map((r) => r[j]).filter((v): v is number => v !== null && v !== undefined);
    const s = Math.sqrt(vals.reduce((a, v) => a + (v - m) * (v - m), 0) / Math.max(1, vals.length));
    return s > 1e-9 ? s : 1;
  });
  const z = rows.map((r) => cols.map((j, i) => (r[j] === null || r[j] === undefined ? 0 : ((r[j] as number) - (mean[i] as number)) / (std[i] as number))));
  const y = labels.map((l) => classes.indexOf(l));
  const counts = classes.map((_, c) => y.filter((v) => v === c).length);
  const sw = y.map((c) => rows.length / (classes.length * (counts[c] as number)));
  const k = classes.length;
  const d = names.length;
  const w = classes.map(() => new Array<number>(d).fill(0));
  const b = new Array<number>(k).fill(0);
  const l2 = opts.l2 ?? 0.1;
  const lr = opts.learningRate ?? 0.5;
  const wsum = sw.reduce((a, v) => a + v, 0);
  for (let it = 0; it < (opts.iterations ?? 2000); it++) {
    const gw = classes.map(() => new Array<number>(d).fill(0));
    const gb = new Array<number>(k).fill(0);
    z.forEach((x, n) => {
      const logits = b.map((bc, c) => bc + dot(w[c] as number[], x));
      const m = Math.max(...logits);
      const e = logits.map((v) => Math.exp(v - m));
      const s = e.reduce((a, v) => a + v, 0);
      for (let c = 0; c < k; c++) {
        const g = ((e[c] as number) / s - (y[n] === c ? 1 : 0)) * (sw[n] as number);
        gb[c] = (gb[c] as number) + g;
        const row = gw[c] as number[];
        for (let j = 0; j < d; j++) row[j] = (row[j] as number) + g * (x[j] as number);
      }
    });
    for (let c = 0; c < k; c++) {
      b[c] = (b[c] as number) - (lr * (gb[c] as number)) / wsum;
      const wc = w[c] as number[];
      const gc = gw[c] as number[];
      for (let j = 0; j < d; j++) wc[j] = (wc[j] as number) - lr * ((gc[j] as number) / wsum + l2 * (wc[j] as number));
    }
  }
  const model: AttributionModel = {
    format: ATTRIBUTION_FORMAT,
    classes,
    featureNames: names,
    mean,
    std,
    weights: w,
    bias: b,
    unknownThreshold: 0,
    minFeatureCoverage: opts.minFeatureCoverage ?? 0.5,
    training: { ...opts.training, items: rows.length, perClass: Object.fromEntries(classes.map((c, i) => [c, counts[i]])), l2 },
    ...(opts.keepData ? { data: { features: rows.map((r) => [...r]), labels: [...labels] } } : {}),
  };
  const tops = rows.map((r) => Math.max(...classProbabilities(model, cols.map((j) => r[j] ?? null))));
  const unknownThreshold = quantile(tops, opts.unknownQuantile ?? 0.1);
  return { ...model, unknownThreshold, training: { ...model.training, unknownQuantile: opts.unknownQuantile ?? 0.1 } };
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** The mean of the values present; 0 when none is. */
function avg(v: readonly (number | null)[]): number {
  return meanOrNull(v.filter((e): e is number => e !== null)) ?? 0;
}
