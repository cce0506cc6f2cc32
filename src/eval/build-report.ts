import { meanOrNull } from '../core/stats.js';
import type { AttributionModel } from '../pipeline/attribution.js';
import { estimateSource } from '../pipeline/attribution.js';
import type { PolicyInfo } from '../pipeline/calibration-files.js';
import { trainAttribution } from './attribution-train.js';
import { accuracy, auc, bootstrapCi, brier, confusion, coverageCurve, eceIfCalibrated, multiclassSummary, nll, reliability, rocCurve, uncertaintyErrorAuroc } from './metrics.js';
import type { AdversarialReport, AttributionMetrics, BinaryMetrics, ClipResult, EvalReport, LogoRow, RobustnessRow, VerdictMetrics } from './types.js';
import { EVAL_SCHEMA_VERSION } from './types.js';
import { spread } from '../pipeline/verdict.js';

/** Everything `buildEvalReport` needs; the command gathers it, this module only computes. Pure. */
export interface EvalInputs {
  readonly datasetPath: string;
  readonly version: string;
  readonly createdAt: string;
  readonly detectors: readonly string[];
  readonly policy: PolicyInfo;
  readonly attribution: AttributionModel | null;
  readonly clean: readonly ClipResult[];
  readonly perturbed: readonly { readonly name: string; readonly description: string; readonly results: readonly ClipResult[] }[];
  readonly adversarial: AdversarialReport | null;
  readonly notes: readonly string[];
  readonly bins?: number;
  readonly bootstrapResamples?: number;
}

const truthOf = (r: ClipResult) => (r.item.label === 'real' ? 'real' : r.item.method);

/** Real and fake weighted to equal totals. */
function balancedWeights(fake: readonly boolean[]): number[] {
  const nf = fake.filter(Boolean).length;
  const nr = fake.length - nf;
  return fake.map((f) => (f ? 0.5 / Math.max(nf, 1) : 0.5 / Math.max(nr, 1)));
}

export function binaryMetrics(
  results: readonly ClipResult[],
  pick: (r: ClipResult) => { p: number | null; epistemic: number | null; entropy: number | null },
  threshold: number,
  bins: number,
  resamples: number,
): BinaryMetrics {
  const rows = results.filter((r) => !r.error).map((r) => ({ fake: r.item.label === 'fake', ...pick(r) }));
  const ok = rows.filter((r): r is { fake: boolean; p: number; epistemic: number; entropy: number } => r.p !== null && r.epistemic !== null && r.entropy !== null);
  const p = ok.map((r) => r.p);
  const fake = ok.map((r) => r.fake);
  const correct = ok.map((r) => r.p >= threshold === r.fake);
  const rel = ok.length ? reliability(p, fake, bins) : null;
  const oneClass = fake.every((f) => f) || fake.every((f) => !f);
  return {
    n: rows.length,
    nReal: rows.filter((r) => !r.fake).length,
    nFake: rows.filter((r) => r.fake).length,
    unanswered: rows.length - ok.length,
    auc: auc(p, fake),
    aucCi: oneClass ? null : bootstrapCi(ok.length, (idx) => auc(idx.map((i) => p[i] as number), idx.map((i) => fake[i] as boolean)), { resamples, seed: 7 }),
    accuracy: ok.length ? accuracy(p, fake, threshold) : null,
    balancedAccuracy: ok.length && !oneClass ? accuracy(p, fake, threshold, balancedWeights(fake)) : null,
    ece: rel?.ece ?? null,
    eceCi: rel ? bootstrapCi(ok.length, (idx) => reliability(idx.map((i) => p[i] as number), idx.map((i) => fake[i] as boolean), bins)?.ece ?? null, { resamples, seed: 13 }) : null,
    eceIfCalibrated: rel ? eceIfCalibrated(p, rel.ece, bins, { draws: resamples }) : null,
    mce: rel?.mce ?? null,
    brier: ok.length ? brier(p, fake) : null,
    nll: ok.length ? nll(p, fake) : null,
    reliability: rel,
    roc: rocCurve(p, fake),
    epistemicErrorAuroc: uncertaintyErrorAuroc(ok.map((r) => r.epistemic), correct.map((c) => !c)),
    entropyErrorAuroc: uncertaintyErrorAuroc(ok.map((r) => r.entropy), correct.map((c) => !c)),
    coverage: coverageCurve(correct, ok.map((r) => r.epistemic)),
  };
}

export function verdictMetrics(results: readonly ClipResult[], threshold: number): VerdictMetrics {
  const ok = results.filter((r) => !r.error);
  const by = { real: { real: 0, fake: 0 }, fake: { real: 0, fake: 0 }, uncertain: { real: 0, fake: 0 } };
  const reasons: Record<string, number> = {};
  for (const r of ok) {
    by[r.verdict][r.item.label]++;
    if (r.verdict === 'uncertain') {
      const why = r.reason.replace(/[\d.]+/g, '#');
      reasons[why] = (reasons[why] ?? 0) + 1;
    }
  }
  const answered = ok.filter((r) => r.verdict !== 'uncertain');
  const forced = ok.filter((r) => r.fused.pFake !== null);
  return {
    n: ok.length,
    answered: answered.length,
    coverage: ok.length ? answered.length / ok.length : null,
    accuracyAnswered: answered.length ? answered.filter((r) => r.verdict === r.item.label).length / answered.length : null,
    accuracyForced: forced.length ? forced.filter((r) => ((r.fused.pFake as number) >= threshold) === (r.item.label === 'fake')).length / forced.length : null,
    byVerdict: by,
    reasons,
  };
}

export function attributionMetrics(results: readonly ClipResult[], model: AttributionModel): AttributionMetrics {
  const classes = [...model.classes, 'unknown'];
  const rows = results.filter((r) => r.attribution);
  const truth = rows.map((r) => (classes.includes(truthOf(r)) ? classes.indexOf(truthOf(r)) : classes.length - 1));
  const pred = rows.map((r) => classes.indexOf((r.attribution as NonNullable<ClipResult['attribution']>).top));
  const matrix = confusion(truth, pred, classes.length);
  const s = multiclassSummary(matrix);
  const unknownRows = truth.map((t, i) => ({ t, p: pred[i] })).filter((x) => x.t === classes.length - 1);
  return {
    classes,
    confusion: matrix,
    n: rows.length,
    accuracy: s.accuracy,
    macroF1: s.macroF1,
    unknownRecall: unknownRows.length ? unknownRows.filter((x) => x.p === classes.length - 1).length / unknownRows.length : null,
  };
}

/** Refit the source classifier without each generator; test on this set's clips of known classes. */
export function logoRows(results: readonly ClipResult[], model: AttributionModel): LogoRow[] | null {
  const data = model.data;
  if (!data) return null;
  const known = results.filter((r) => !r.error && model.classes.includes(truthOf(r)));
  // Refitting needs two classes left (a model of 'real' and one generator has no LOGO), and a row
  // needs clips of its generator in this set.
  const rows = model.classes
    .filter((g) => g !== 'real' && new Set(data.labels.filter((l) => l !== g)).size >= 2 && known.some((r) => truthOf(r) === g))
    .map((g) => {
      const keep = data.labels.map((l) => l !== g);
      const refit = trainAttribution(
        model.featureNames,
        data.features.filter((_, i) => keep[i]),
        data.labels.filter((_, i) => keep[i]),
        { training: { source: `${model.training.source} without ${g}` }, unknownQuantile: Number(model.training.unknownQuantile ?? 0.1), l2: Number(model.training.l2 ?? 0.1) },
      );
      const est = known.map((r) => ({ r, e: estimateSource(refit, r.features) })).filter((x) => x.e !== null);
      const held = est.filter((x) => truthOf(x.r) === g);
      const seen = est.filter((x) => truthOf(x.r) !== g);
      const seenFakes = seen.filter((x) => x.r.item.label === 'fake');
      const rate = (xs: typeof est) => (xs.length ? xs.filter((x) => x.e?.top === 'unknown').length / xs.length : null);
      const both = [...held, ...seenFakes];
      const isHeld = both.map((x) => truthOf(x.r) === g);
      const epi = both.filter((x) => x.r.fused.epistemic !== null);
      return {
        heldOut: g,
        nHeldOut: held.length,
        nSeen: seen.length,
        unknownRateHeldOut: rate(held),
        unknownRateSeen: rate(seen),
        entropyAuroc: auc(both.map((x) => x.e?.entropy ?? 0), isHeld),
        epistemicAuroc: auc(epi.map((x) => x.r.fused.epistemic as number), epi.map((x) => truthOf(x.r) === g)),
      };
    });
  return rows.length ? rows : null;
}

export function robustnessRow(name: string, description: string, results: readonly ClipResult[], threshold: number): RobustnessRow {
  const ok = results.filter((r) => !r.error && r.fused.pFake !== null);
  const v = verdictMetrics(results, threshold);
  const pOf = (label: string) => meanOrNull(ok.filter((r) => r.item.label === label).map((r) => r.fused.pFake as number));
  return {
    perturbation: name,
    description,
    n: ok.length,
    auc: auc(ok.map((r) => r.fused.pFake as number), ok.map((r) => r.item.label === 'fake')),
    accuracy: v.accuracyForced,
    coverage: v.coverage,
    accuracyAnswered: v.accuracyAnswered,
    meanPFakeReal: pOf('real'),
    meanPFakeFake: pOf('fake'),
    meanEpistemic: meanOrNull(ok.map((r) => r.fused.epistemic ?? 0)),
  };
}

export function buildEvalReport(x: EvalInputs): EvalReport {
  const bins = x.bins ?? 10;
  const resamples = x.bootstrapResamples ?? 1000;
  const t = x.policy.decisionThreshold;
  const binary: Record<string, BinaryMetrics> = {
    fused: binaryMetrics(x.clean, (r) => ({ p: r.fused.pFake, epistemic: r.fused.epistemic, entropy: r.fused.entropy }), t, bins, resamples),
  };
  for (const d of x.detectors) {
    binary[d] = binaryMetrics(x.clean, (r) => ({ p: r.detectors[d]?.pFake ?? null, epistemic: r.detectors[d]?.epistemic ?? null, entropy: r.detectors[d]?.entropy ?? null }), 0.5, bins, resamples);
  }
  const methods: Record<string, number> = {};
  for (const r of x.clean) methods[r.item.method] = (methods[r.item.method] ?? 0) + 1;
  const featureNames = [...new Set(x.clean.flatMap((r) => Object.keys(r.features)))].sort();
  const { source, weights, calibration, ...values } = x.policy;
  return {
    schemaVersion: EVAL_SCHEMA_VERSION,
    tool: { name: 'fakescope', version: x.version },
    createdAt: x.createdAt,
    dataset: {
      path: x.datasetPath,
      items: x.clean.length,
      real: x.clean.filter((r) => r.item.label === 'real').length,
      fake: x.clean.filter((r) => r.item.label === 'fake').length,
      methods,
    },
    detectors: x.detectors,
    policy: { values, weights: weights ?? null, calibration: calibration ?? null, source },
    attributionModel: x.attribution ? { classes: x.attribution.classes, source: x.attribution.training.source } : null,
    featureNames,
    binary,
    verdicts: verdictMetrics(x.clean, t),
    disagreement: x.clean
      .filter((r) => !r.error)
      .map((r) => {
        const ps = x.detectors.map((d) => r.detectors[d]?.pFake ?? null);
        const answered = ps.filter((p): p is number => p !== null);
        return {
          file: r.item.file,
          label: r.item.label,
          method: r.item.method,
          pFake: Object.fromEntries(x.detectors.map((d, i) => [d, ps[i] ?? null])),
          // Unweighted: disagreement is worth seeing even for a detector the fusion ignores.
          spread: answered.length ? spread(answered) : null,
          verdict: r.verdict,
        };
      })
      .sort((a, b) => (b.spread ?? -1) - (a.spread ?? -1)),
    attribution: x.attribution ? attributionMetrics(x.clean, x.attribution) : null,
    logo: x.attribution ? logoRows(x.clean, x.attribution) : null,
    robustness: [robustnessRow('none', 'the files as they are', x.clean, t), ...x.perturbed.map((p) => robustnessRow(p.name, p.description, p.results, t))],
    adversarial: x.adversarial,
    clips: [...x.clean, ...x.perturbed.flatMap((p) => p.results)],
    notes: [...sampleSizeNotes(binary), ...x.notes],
  };
}

/** Below this many clips of either label, a set cannot support conclusions and the report says so. */
export const MIN_CLIPS_PER_LABEL = 30;

/**
 * A warning when the set is too small to conclude anything: the clip counts and how wide the
 * fused AUC's bootstrap interval is (and the ±95 % half-width of an accuracy on that many clips).
 * Pure.
 */
export function sampleSizeNotes(binary: EvalReport['binary']): string[] {
  const m = binary.fused ?? Object.values(binary)[0];
  if (!m) return [];
  const smallest = Math.min(m.nReal, m.nFake);
  if (smallest >= MIN_CLIPS_PER_LABEL) return [];
  const n = m.nReal + m.nFake;
  const auc = m.aucCi ? `the fused AUC's 95 % interval is ${(m.aucCi.hi - m.aucCi.lo).toFixed(2)} wide [${m.aucCi.lo.toFixed(2)}, ${m.aucCi.hi.toFixed(2)}]` : 'the AUC has no interval';
  // Wilson-style worst case at p = 0.5: ±1.96·√(0.25/n).
  const acc = n > 0 ? `an accuracy on ${n} clips is uncertain by about ±${(1.96 * Math.sqrt(0.25 / n)).toFixed(2)}` : 'no clip was answered';
  return [`Small sample: ${m.nReal} real and ${m.nFake} fake clips (fewer than ${MIN_CLIPS_PER_LABEL} of each); ${auc}, and ${acc}. Do not draw conclusions from these numbers.`];
}

