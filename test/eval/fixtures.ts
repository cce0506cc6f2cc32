/**
 * A small, internally consistent EvalReport for rendering tests: 2 real and 4 fake clips (one of
 * which failed), two detectors plus the fusion, attribution with an unseen generator, two
 * perturbations, one LOGO row and an adversarial summary. Binary metrics are computed with the
 * real metric functions from the per-clip scores, so the charts show what the tables say.
 */
import {
  accuracy,
  auc,
  bootstrapCi,
  brier,
  coverageCurve,
  eceIfCalibrated,
  multiclassSummary,
  nll,
  reliability,
  rocCurve,
  uncertaintyErrorAuroc,
} from '../../src/eval/metrics.js';
import type { BinaryMetrics, ClipResult, ClipScore, EvalItem, EvalReport } from '../../src/eval/types.js';
import { EVAL_SCHEMA_VERSION } from '../../src/eval/types.js';

export const DETECTORS = ['effnet-mc', 'mobilenet-bnn'] as const;
/** A file name full of HTML special characters. */
export const NASTY_FILE = 'real/b <i>&amp; "quoted" \'x\'.mp4';

interface ClipSpec {
  readonly item: EvalItem;
  /** p(fake) of each detector, or null for a failed clip. */
  readonly p: readonly [number, number] | null;
  readonly epistemic: number;
  readonly verdict: ClipResult['verdict'];
  readonly reason: string;
  readonly top: string | null;
  readonly error?: string;
}

const SPECS: readonly ClipSpec[] = [
  { item: { file: 'real/a.mp4', label: 'real', method: '-', clip: 'id01' }, p: [0.12, 0.2], epistemic: 0.01, verdict: 'real', reason: 'p(fake) 0.160 < 0.5', top: null },
  { item: { file: NASTY_FILE, label: 'real', method: '-', clip: 'id02' }, p: [0.35, 0.62], epistemic: 0.08, verdict: 'uncertain', reason: 'high epistemic uncertainty', top: null },
  { item: { file: 'fake/faceswap/d.mp4', label: 'fake', method: 'faceswap', clip: 'id03' }, p: [0.91, 0.84], epistemic: 0.02, verdict: 'fake', reason: 'p(fake) 0.875 ≥ 0.5', top: 'faceswap' },
  { item: { file: 'fake/reenact/g.mp4', label: 'fake', method: 'reenact', clip: 'id04' }, p: [0.3, 0.41], epistemic: 0.03, verdict: 'real', reason: 'p(fake) 0.355 < 0.5', top: 'faceswap' },
  { item: { file: 'fake/simswap/e.mp4', label: 'fake', method: 'simswap', clip: 'id05' }, p: [0.88, 0.22], epistemic: 0.12, verdict: 'uncertain', reason: 'detectors disagree', top: 'unknown' },
  { item: { file: 'fake/faceswap/f.mp4', label: 'fake', method: 'faceswap', clip: 'id06' }, p: null, epistemic: 0, verdict: 'uncertain', reason: 'analysis failed', top: null, error: 'ffmpeg exited with code 1: moov atom not found' },
];

function binaryEntropy(p: number): number {
  return p <= 0 || p >= 1 ? 0 : -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
}

function score(p: number | null, std: number | null, epistemic: number | null): ClipScore {
  if (p === null) return { pFake: null, std: null, entropy: null, aleatoric: null, epistemic: null, evidenceFrames: 0 };
  const entropy = binaryEntropy(p);
  const epi = epistemic ?? 0;
  return { pFake: p, std, entropy, aleatoric: Math.max(0, entropy - epi), epistemic: epi, evidenceFrames: 24 };
}

function clipResult(s: ClipSpec): ClipResult {
  const fusedP = s.p === null ? null : (s.p[0] + s.p[1]) / 2;
  const spread = s.p === null ? null : Math.abs(s.p[0] - s.p[1]);
  const detectors: Record<string, ClipScore> = {};
  DETECTORS.forEach((d, i) => {
    detectors[d] = score(s.p === null ? null : (s.p[i] as number), s.p === null ? null : 0.04 + 0.01 * i, s.p === null ? null : s.epistemic * (0.8 + 0.4 * i));
  });
  const failed = s.p === null;
  return {
    item: s.item,
    perturbation: 'none',
    detectors: failed ? {} : detectors,
    fused: { ...score(fusedP, spread === null ? null : spread / 2, failed ? null : s.epistemic), disagreement: spread },
    verdict: s.verdict,
    reason: s.reason,
    attribution: s.top === null ? null : { classes: ['faceswap', 'reenact', 'unknown'], probabilities: [0.6, 0.3, 0.1], top: s.top, entropy: 0.9 },
    features: fusedP === null ? {} : { meanEpistemic: s.epistemic, fusedPFake: fusedP },
    frames: failed ? 0 : 48,
    framesWithFaces: failed ? 0 : 46,
    wallMs: failed ? 12 : 2310,
    ...(s.error === undefined ? {} : { error: s.error }),
  };
}

/** Binary metrics of one scorer from (p, label, epistemic) over all clips; null p = unanswered. */
export function binaryMetrics(p: readonly (number | null)[], fake: readonly boolean[], epistemic: readonly (number | null)[]): BinaryMetrics {
  const idx = p.map((_, i) => i).filter((i) => p[i] !== null);
  const ps = idx.map((i) => p[i] as number);
  const ys = idx.map((i) => fake[i] as boolean);
  const ep = idx.map((i) => epistemic[i] ?? 0);
  const ent = ps.map(binaryEntropy);
  const correct = ps.map((q, k) => (q >= 0.5) === ys[k]);
  const rel = reliability(ps, ys, 10);
  const nFake = ys.filter(Boolean).length;
  const nReal = ys.length - nFake;
  const weights = ys.map((y) => (y ? 0.5 / nFake : 0.5 / nReal));
  return {
    n: p.length,
    nReal,
    nFake,
    unanswered: p.length - ps.length,
    auc: auc(ps, ys),
    aucCi: bootstrapCi(ps.length, (ix) => auc(ix.map((i) => ps[i] as number), ix.map((i) => ys[i] as boolean)), { resamples: 200, seed: 1 }),
    accuracy: accuracy(ps, ys),
    balancedAccuracy: accuracy(ps, ys, 0.5, weights),
    ece: rel?.ece ?? null,
    eceCi: rel ? bootstrapCi(ps.length, (ix) => reliability(ix.map((i) => ps[i] as number), ix.map((i) => ys[i] as boolean), 10)?.ece ?? null, { resamples: 200, seed: 2 }) : null,
    eceIfCalibrated: rel ? eceIfCalibrated(ps, rel.ece, 10, { draws: 200 }) : null,
    mce: rel?.mce ?? null,
    brier: brier(ps, ys),
    nll: nll(ps, ys),
    reliability: rel,
    roc: rocCurve(ps, ys),
    epistemicErrorAuroc: uncertaintyErrorAuroc(ep, correct.map((c) => !c)),
    entropyErrorAuroc: uncertaintyErrorAuroc(ent, correct.map((c) => !c)),
    coverage: coverageCurve(correct, ep),
  };
}

/** The fixture report; `overrides` replace top-level fields (e.g. `{ attribution: null }`). */
export function evalReportFixture(overrides: Partial<EvalReport> = {}): EvalReport {
  const clips = SPECS.map(clipResult);
  const fake = clips.map((c) => c.item.label === 'fake');
  const binary: Record<string, BinaryMetrics> = {
    fused: binaryMetrics(clips.map((c) => c.fused.pFake), fake, clips.map((c) => c.fused.epistemic)),
  };
  for (const d of DETECTORS) {
    binary[d] = binaryMetrics(clips.map((c) => c.detectors[d]?.pFake ?? null), fake, clips.map((c) => c.detectors[d]?.epistemic ?? null));
  }
  const answered = clips.filter((c) => c.verdict !== 'uncertain');
  const forced = clips.filter((c) => c.fused.pFake !== null);
  const byVerdict = { real: { real: 0, fake: 0 }, fake: { real: 0, fake: 0 }, uncertain: { real: 0, fake: 0 } };
  const reasons: Record<string, number> = {};
  for (const c of clips) {
    byVerdict[c.verdict][c.item.label]++;
    if (c.verdict === 'uncertain') reasons[c.reason] = (reasons[c.reason] ?? 0) + 1;
  }
  // Truth × prediction over the answered fakes: faceswap→faceswap, reenact→faceswap, simswap (unseen)→unknown.
  const confusion = [
    [1, 0, 0],
    [1, 0, 0],
    [0, 0, 1],
  ];
  const summary = multiclassSummary(confusion);
  const report: EvalReport = {
    schemaVersion: EVAL_SCHEMA_VERSION,
    tool: { name: 'fakescope', version: '0.1.0' },
    createdAt: '2025-01-15T10:20:30.000Z',
    dataset: { path: '/data/eval/manifest.csv', items: 6, real: 2, fake: 4, methods: { '-': 2, faceswap: 2, reenact: 1, simswap: 1 } },
    detectors: [...DETECTORS],
    policy: { values: { threshold: 0.5, maxEpistemic: 0.05, maxDisagreement: 0.4, minEvidenceFrames: 8 }, weights: { 'effnet-mc': 0.7, 'mobilenet-bnn': 0.3 }, calibration: { a: 0.8, b: -0.2 }, source: 'fitted on calib split (120 clips), 2025-01-14' },
    attributionModel: { classes: ['faceswap', 'reenact'], source: 'models/attribution/logreg.json (trained on calib: faceswap, reenact)' },
    featureNames: ['meanEpistemic', 'fusedPFake'],
    binary,
    verdicts: {
      n: clips.length,
      answered: answered.length,
      coverage: answered.length / clips.length,
      accuracyAnswered: answered.filter((c) => c.verdict === c.item.label).length / answered.length,
      accuracyForced: forced.filter((c) => ((c.fused.pFake as number) >= 0.5) === (c.item.label === 'fake')).length / forced.length,
      byVerdict,
      reasons,
    },
    disagreement: clips.map((c) => ({
      file: c.item.file,
      label: c.item.label,
      method: c.item.method,
      pFake: Object.fromEntries(DETECTORS.map((d) => [d, c.detectors[d]?.pFake ?? null])),
      spread: c.fused.disagreement,
      verdict: c.verdict,
    })),
    attribution: { classes: ['faceswap', 'reenact', 'unknown'], confusion, n: 3, accuracy: summary.accuracy, macroF1: summary.macroF1, unknownRecall: 1 },
    logo: [{ heldOut: 'reenact', nHeldOut: 1, nSeen: 2, unknownRateHeldOut: 0, unknownRateSeen: 0.5, entropyAuroc: 0.5, epistemicAuroc: null }],
    robustness: [
      { perturbation: 'jpeg-q30', description: 'JPEG re-encode at quality 30', n: 5, auc: 0.667, accuracy: 0.6, coverage: 0.4, accuracyAnswered: 1, meanPFakeReal: 0.41, meanPFakeFake: 0.58, meanEpistemic: 0.07 },
      { perturbation: 'downscale-0.5', description: 'Downscale to half resolution and back', n: 5, auc: null, accuracy: 0.4, coverage: 0.2, accuracyAnswered: 0, meanPFakeReal: 0.52, meanPFakeFake: 0.5, meanEpistemic: 0.11 },
    ],
    adversarial: {
      detector: 'effnet-mc', method: 'square-attack', epsilon: 0.0157, queries: 200, crops: 36, clips: 3, detectedBefore: 29,
      meanPFakeBefore: 0.83, meanPFakeAfter: 0.31, flipRate: 0.72, meanEpistemicBefore: 0.03, meanEpistemicAfter: 0.09, epistemicRoseFraction: 0.81,
    },
    clips,
    notes: ['Small sample: 6 clips, intervals are wide.', 'Clip fake/faceswap/f.mp4 failed and counts as unanswered.'],
  };
  return { ...report, ...overrides };
}
