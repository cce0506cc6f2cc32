/**
 * The body sections of eval.html, one function per section. Each returns '' when its data is
 * absent, so the page shows only what was measured; every number appears next to its n.
 */
import { confusionFigure, robustnessFigure, scorerCharts } from './html-charts.js';
import type { Cell } from './html-format.js';
import {
  count,
  countCell,
  DASH,
  escapeHtml,
  facts,
  num,
  numCell,
  pFakeCell,
  stat,
  table,
  textCell,
  verdictCell,
} from './html-format.js';
import type { BinaryMetrics, EvalReport } from './types.js';

/** Section ids and headings, in page order (the header is always shown). */
export const EVAL_SECTIONS = {
  binary: 'Real/fake metrics',
  plots: 'ROC, calibration and coverage',
  verdicts: 'Verdicts: what “uncertain” buys',
  disagreement: 'Where the detectors disagree',
  attribution: 'Attribution: which generator',
  logo: 'Leave-one-generator-out',
  robustness: 'Robustness to perturbations',
  adversarial: 'Adversarial attack',
  clips: 'Per clip',
} as const;

export type SectionId = keyof typeof EVAL_SECTIONS;

export function section(id: SectionId, intro: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(EVAL_SECTIONS[id])}</h2>${intro ? `<p class="intro">${intro}</p>` : ''}${body}</section>`;
}

/** 'fused' first, then the detectors in report order, then any other scorer. */
export function scorerOrder(r: EvalReport): string[] {
  const keys = Object.keys(r.binary);
  const first = ['fused', ...r.detectors].filter((k, i, all) => keys.includes(k) && all.indexOf(k) === i);
  return [...first, ...keys.filter((k) => !first.includes(k))];
}

function scorers(r: EvalReport): [string, BinaryMetrics][] {
  return scorerOrder(r).map((k) => [k, r.binary[k] as BinaryMetrics]);
}

/** A value with its bootstrap interval under it (none: the value alone), and an optional hover title. */
function ciCell(value: number | null, ci: { readonly lo: number; readonly hi: number } | null, title: string | undefined): Cell {
  if (value === null) return numCell(null);
  const html = num(value) + (ci === null ? '' : ` <span class="ci">[${num(ci.lo)}, ${num(ci.hi)}]</span>`);
  return title === undefined ? { html, cls: 'num' } : { html, cls: 'num', title };
}

function aucCell(m: BinaryMetrics): Cell {
  return ciCell(m.auc, m.aucCi, m.aucCi === null ? undefined : `bootstrap interval over ${m.aucCi.resamples} resamples`);
}

/** ECE with its bootstrap interval; the title says what a perfectly calibrated score would show at this n. */
function eceCell(m: BinaryMetrics): Cell {
  const ref = m.eceIfCalibrated;
  return ciCell(m.ece, m.eceCi, ref ? `a perfectly calibrated score with these p(fake) would show ECE ${num(ref.expected)} on average here (95th percentile ${num(ref.p95)}; p = ${num(ref.pValue)})` : undefined);
}

export function binarySection(r: EvalReport): string {
  const rows = scorers(r);
  if (rows.length === 0) return '';
  const heads = [
    'scorer',
    { label: 'n', num: true }, { label: 'real', num: true }, { label: 'fake', num: true },
    { label: 'unanswered', num: true, title: 'clips without an answer from this scorer' },
    { label: 'AUC [CI] ↑', num: true, title: 'ROC AUC with its bootstrap interval' },
    { label: 'accuracy ↑', num: true, title: 'p(fake) ≥ threshold called fake' },
    { label: 'balanced acc. ↑', num: true, title: 'real and fake weighted equally' },
    { label: 'ECE [CI] ↓', num: true, title: 'expected calibration error with its bootstrap interval; hover a value for the ECE a perfectly calibrated score would show on this many clips' },
    { label: 'Brier ↓', num: true },
    { label: 'NLL ↓', num: true, title: 'negative log-likelihood, nats' },
    { label: 'epistemic→error AUROC ↑', num: true, title: 'how well epistemic uncertainty flags misclassified clips' },
    { label: 'entropy→error AUROC ↑', num: true, title: 'how well total uncertainty (entropy) flags misclassified clips' },
  ];
  const body = rows.map(([name, m]) => [
    textCell(name, name === 'fused' ? 'name strong' : 'name'),
    countCell(m.n), countCell(m.nReal), countCell(m.nFake), countCell(m.unanswered),
    aucCell(m), numCell(m.accuracy), numCell(m.balancedAccuracy), eceCell(m), numCell(m.brier), numCell(m.nll),
    numCell(m.epistemicErrorAuroc), numCell(m.entropyErrorAuroc),
  ]);
  const fused = r.binary.fused;
  const ref = fused?.eceIfCalibrated;
  const noise = ref && fused?.ece !== null && fused?.ece !== undefined
    ? ` On ${fused.n - fused.unanswered} clips a perfectly calibrated fused score with the same p(fake) would show ECE ${num(ref.expected)} on average (95th percentile ${num(ref.p95)}, ${ref.draws} draws): the measured ${num(fused.ece)} ${ref.pValue < 0.05 ? 'is beyond that noise (p = ' + num(ref.pValue) + '): the fused score is miscalibrated' : 'is within that noise (p = ' + num(ref.pValue) + ')'}.`
    : '';
  return section('binary', `Unperturbed clips. ↑ higher is better, ↓ lower is better; — = undefined on these clips.${noise}`, table(heads, body));
}

export function plotsSection(r: EvalReport): string {
  const rows = scorers(r).filter(([, m]) => m.roc !== null || m.reliability !== null || m.coverage.length > 0);
  if (rows.length === 0) return '';
  return section('plots', 'Per scorer: the ROC curve against chance (dashed), calibration against the diagonal, and accuracy as fewer clips are answered.', rows.map(([k, m]) => scorerCharts(k, m)).join(''));
}

export function verdictsSection(r: EvalReport): string {
  const v = r.verdicts;
  if (v.n === 0) return '';
  const stats = `<div class="stats">${[
    stat('answered', `${v.answered} / ${v.n}`, 'clips with a real/fake verdict'),
    stat('coverage', num(v.coverage), `n = ${v.n}`),
    stat('accuracy on answered', num(v.accuracyAnswered), `n = ${v.answered}`),
    stat('accuracy if forced', num(v.accuracyForced), `n = ${v.n}, no abstention`),
  ].join('')}</div>`;
  const byVerdict = (['real', 'fake', 'uncertain'] as const).map((k) => {
    const c = v.byVerdict[k];
    return [verdictCell(k, ''), countCell(c.real), countCell(c.fake), countCell(c.real + c.fake)];
  });
  const table1 = table(['verdict', { label: 'truly real', num: true }, { label: 'truly fake', num: true }, { label: 'total', num: true }], byVerdict);
  const reasons = Object.entries(v.reasons).sort((a, b) => b[1] - a[1]);
  const table2 = reasons.length === 0 ? '' : `<h3>Why clips were left uncertain</h3>${table(['reason', { label: 'clips', num: true }], reasons.map(([k, c]) => [textCell(k), countCell(c)]))}`;
  return section('verdicts', 'The three-way verdict answers only when the detectors are confident enough; compare its accuracy with forcing an answer on every clip.', `${stats}<div class="row"><div>${table1}</div><div>${table2}</div></div>`);
}

export function disagreementSection(r: EvalReport): string {
  if (r.disagreement.length === 0) return '';
  const dets = [...r.detectors];
  for (const d of r.disagreement) for (const k of Object.keys(d.pFake)) if (!dets.includes(k)) dets.push(k);
  const rows = [...r.disagreement].sort((a, b) => (b.spread ?? -Infinity) - (a.spread ?? -Infinity));
  const heads = ['file', 'label', 'method', ...dets.map((d) => ({ label: `p(fake) ${d}`, num: true })), { label: 'spread', num: true, title: 'max − min p(fake) over detectors' }, 'verdict'];
  const body = rows.map((d) => [
    textCell(d.file, 'file'), textCell(d.label), textCell(d.method),
    ...dets.map((k) => pFakeCell(d.pFake[k])), numCell(d.spread), verdictCell(d.verdict, d.label),
  ]);
  const legend = '<span class="swatch" style="background:rgb(33,102,172)"></span> real-ish · <span class="swatch" style="background:rgb(247,247,247)"></span> 0.5 · <span class="swatch" style="background:rgb(178,24,43)"></span> fake-ish';
  return section('disagreement', `${r.disagreement.length} clips, largest spread first. ${legend}`, table(heads, body, { scroll: true }));
}

export function attributionSection(r: EvalReport): string {
  const a = r.attribution;
  if (a === null) return '';
  const ui = a.classes.indexOf('unknown');
  const nUnknown = ui < 0 ? null : (a.confusion[ui] ?? []).reduce((s, x) => s + x, 0);
  const stats = `<div class="stats">${[
    stat('accuracy', num(a.accuracy), `n = ${a.n}`),
    stat('macro-F1', num(a.macroF1), `${a.classes.length} classes, n = ${a.n}`),
    stat('unknown recall', num(a.unknownRecall), `n = ${count(nUnknown)} (fakes of unseen methods)`),
  ].join('')}</div>`;
  const model = r.attributionModel === null ? '' : `Model: ${escapeHtml(r.attributionModel.source)}. `;
  return section('attribution', `${model}Rows are the true method (methods the model was not trained on count as unknown), columns the prediction.`, stats + confusionFigure(a));
}

export function logoSection(r: EvalReport): string {
  if (r.logo === null || r.logo.length === 0) return '';
  const heads = [
    'held-out generator',
    { label: 'n held out', num: true }, { label: 'n seen', num: true },
    { label: 'unknown rate, held out ↑', num: true }, { label: 'unknown rate, seen ↓', num: true },
    { label: 'entropy AUROC ↑', num: true, title: 'classifier entropy: held-out vs seen' },
    { label: 'epistemic AUROC ↑', num: true, title: 'fused epistemic uncertainty: held-out vs seen fakes' },
  ];
  const body = r.logo.map((l) => [
    textCell(l.heldOut, 'name'), countCell(l.nHeldOut), countCell(l.nSeen), numCell(l.unknownRateHeldOut), numCell(l.unknownRateSeen), numCell(l.entropyAuroc), numCell(l.epistemicAuroc),
  ]);
  return section('logo', 'The source classifier refitted without one generator: does it call that generator “unknown”?', table(heads, body));
}

export function robustnessSection(r: EvalReport): string {
  if (r.robustness.length === 0) return '';
  const heads = [
    'perturbation', 'description', { label: 'n', num: true }, { label: 'AUC ↑', num: true }, { label: 'accuracy ↑', num: true },
    { label: 'coverage', num: true }, { label: 'accuracy answered ↑', num: true }, { label: 'mean p(fake) real', num: true },
    { label: 'mean p(fake) fake', num: true }, { label: 'mean epistemic', num: true },
  ];
  const body = r.robustness.map((x) => [
    textCell(x.perturbation, 'name'), textCell(x.description), countCell(x.n), numCell(x.auc), numCell(x.accuracy), numCell(x.coverage),
    numCell(x.accuracyAnswered), numCell(x.meanPFakeReal), numCell(x.meanPFakeFake), numCell(x.meanEpistemic),
  ]);
  return section('robustness', 'Every clip perturbed the same way, fused scores.', table(heads, body) + robustnessFigure(r.robustness));
}

export function adversarialSection(r: EvalReport): string {
  const a = r.adversarial;
  if (a === null) return '';
  const info = facts([
    ['detector', escapeHtml(a.detector)],
    ['method', escapeHtml(a.method)],
    ['ε (L∞)', num(a.epsilon, 4)],
    ['queries per crop', count(a.queries)],
    ['attacked', `${count(a.crops)} face crops of ${count(a.clips)} fake clips`],
  ]);
  const body = [
    [textCell('mean p(fake)'), numCell(a.meanPFakeBefore), numCell(a.meanPFakeAfter)],
    [textCell('mean epistemic (nats)'), numCell(a.meanEpistemicBefore), numCell(a.meanEpistemicAfter)],
  ];
  const shift = a.meanEpistemicBefore === null || a.meanEpistemicAfter === null ? null : a.meanEpistemicAfter - a.meanEpistemicBefore;
  const stats = `<div class="stats">${[
    stat('flip rate', num(a.flipRate), `n = ${count(a.detectedBefore)} crops called fake before the attack (of ${count(a.crops)} attacked); fake → real`),
    stat(
      'crops whose epistemic rose',
      num(a.epistemicRoseFraction),
      `n = ${count(a.crops)} crops; a rise can be tiny: the mean moved by ${shift === null ? DASH : `${shift >= 0 ? '+' : ''}${shift.toFixed(4)}`} nats`,
    ),
  ].join('')}</div>`;
  return section('adversarial', 'A black-box attack on the face crops of fake clips: does it flip the detector, and does uncertainty notice?', `<div class="row"><div>${info}</div><div>${table(['', { label: 'before', num: true }, { label: 'after', num: true }], body)}</div></div>${stats}`);
}

export function clipsSection(r: EvalReport): string {
  if (r.clips.length === 0) return '';
  const heads = [
    'file', 'label', 'method', 'perturbation', { label: 'fused p(fake) ± std', num: true }, { label: 'epistemic', num: true },
    'verdict', 'attribution', 'error',
  ];
  const body = r.clips.map((c): Cell[] => {
    const p = c.fused.pFake;
    const pm: Cell = p === null ? numCell(null) : { ...pFakeCell(p), html: `${num(p)}${c.fused.std === null ? '' : ` ± ${num(c.fused.std)}`}` };
    return [
      textCell(c.item.file, 'file'), textCell(c.item.label), textCell(c.item.method), textCell(c.perturbation, 'name'), pm, numCell(c.fused.epistemic),
      verdictCell(c.verdict, c.item.label, c.reason),
      c.attribution === null ? { html: DASH, cls: 'null' } : { html: escapeHtml(c.attribution.top), title: `entropy ${num(c.attribution.entropy)} nats` },
      c.error === undefined ? textCell('') : textCell(c.error, 'error'),
    ];
  });
  const failed = r.clips.filter((c) => c.error !== undefined).length;
  return section('clips', `${r.clips.length} analyses${failed > 0 ? `, ${failed} failed` : ''}. Hover a verdict for its reason.`, table(heads, body, { scroll: true }));
}
