/**
 * The charts of eval.html, drawn with the primitives of svg.ts: per scorer a ROC curve, a
 * reliability diagram and an accuracy-vs-coverage curve; accuracy/AUC per perturbation; the
 * attribution confusion matrix. Each chart is a <figure> whose caption carries its sample size.
 */
import { escapeHtml, num } from './html-format.js';
import type { AttributionMetrics, BinaryMetrics, RobustnessRow } from './types.js';
import type { XyChartSpec } from './svg.js';
import { circle, groupedBars, heatGrid, line, polyline, rect, text, xyChart } from './svg.js';

const SERIES = '#2563eb';
const SECOND = '#f59e0b';
const DIAGONAL = { colour: '#9ca3af', dash: '4 3' } as const;
const UNIT_TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];

function unitChart(label: string, xLabel: string, yLabel: string): XyChartSpec {
  return {
    width: 330,
    height: 290,
    label,
    x: { domain: [0, 1], label: xLabel, ticks: UNIT_TICKS },
    y: { domain: [0, 1], label: yLabel, ticks: UNIT_TICKS },
    margin: { top: 20, right: 16, bottom: 40, left: 48 },
  };
}

/** Point markers (with hover values) only while they stay readable; the line always shows. */
function markers<T>(points: readonly T[]): readonly T[] {
  return points.length <= 60 ? points : [];
}

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${caption}</figcaption></figure>`;
}

/** A figure slot for a chart that is undefined on these items (keeps the small multiples aligned). */
function emptyFigure(title: string, why: string): string {
  return `<figure class="empty"><div class="placeholder">${escapeHtml(title)}: ${escapeHtml(why)}</div></figure>`;
}

function sizes(m: BinaryMetrics): string {
  return `n = ${m.n} (${m.nReal} real, ${m.nFake} fake${m.unanswered > 0 ? `, ${m.unanswered} unanswered` : ''})`;
}

export function rocFigure(scorer: string, m: BinaryMetrics): string {
  if (m.roc === null || m.roc.length === 0) return emptyFigure(`ROC · ${scorer}`, 'undefined (needs both classes)');
  const roc = m.roc;
  const svg = xyChart(unitChart(`ROC curve of ${scorer}`, 'false positive rate', 'true positive rate'), (s) =>
    line(s.x(0), s.y(0), s.x(1), s.y(1), DIAGONAL) +
    // The (0, 0) corner has threshold +Infinity: only fpr/tpr are drawn, never the threshold.
    polyline(roc.map((p) => [s.x(p.fpr), s.y(p.tpr)]), { colour: SERIES, width: 2 }) +
    markers(roc).map((p) => circle(s.x(p.fpr), s.y(p.tpr), 2.5, SERIES, `fpr ${num(p.fpr)}, tpr ${num(p.tpr)}${Number.isFinite(p.threshold) ? `, p ≥ ${num(p.threshold)}` : ''}`)).join('') +
    text(s.right - 6, s.bottom - 8, `AUC ${num(m.auc)}`, { anchor: 'end', size: 12, weight: 'bold' }),
  );
  return figure(svg, `<b>ROC</b> · ${escapeHtml(scorer)} · AUC ${num(m.auc)} · ${sizes(m)}`);
}

export function reliabilityFigure(scorer: string, m: BinaryMetrics): string {
  const rel = m.reliability;
  if (rel === null || rel.bins.length === 0) return emptyFigure(`Reliability · ${scorer}`, 'no answered clips');
  const maxCount = Math.max(1, ...rel.bins.map((b) => b.count));
  const svg = xyChart(unitChart(`Reliability diagram of ${scorer}`, 'predicted p(fake)', 'fraction fake'), (s) => {
    const parts: string[] = [];
    for (const b of rel.bins) {
      if (b.count === 0 || b.fracPositive === null) continue;
      const x0 = s.x(b.lo);
      const x1 = s.x(b.hi);
      const y = s.y(b.fracPositive);
      const tip = `p in [${num(b.lo, 2)}, ${num(b.hi, 2)}): ${b.count} clips, fraction fake ${num(b.fracPositive)}, mean p ${num(b.meanP)}`;
      // At least 2 px tall, so a bin with no fakes still shows up above the axis.
      const top = Math.min(y, s.bottom - 2);
      parts.push(rect(x0 + 1, top, x1 - x0 - 2, s.bottom - top, SERIES, { opacity: 0.3 + (0.6 * b.count) / maxCount, tooltip: tip }));
      parts.push(text((x0 + x1) / 2, top - 4, String(b.count), { anchor: 'middle', size: x1 - x0 >= 20 ? 10 : 8.5, fill: '#1f2937' }));
    }
    return line(s.x(0), s.y(0), s.x(1), s.y(1), DIAGONAL) + parts.join('');
  });
  const caption = `<b>Reliability</b> · ${escapeHtml(scorer)} · ECE ${num(rel.ece)}, MCE ${num(rel.mce)} · ${rel.bins.length} bins, ${sizes(m)}`;
  return figure(svg, `${caption}<br><span class="muted">bar = fraction fake among the clips in the bin; number over it = clips (darker = more)</span>`);
}

export function coverageFigure(scorer: string, m: BinaryMetrics): string {
  const pts = m.coverage;
  if (pts.length === 0) return emptyFigure(`Coverage · ${scorer}`, 'no uncertainty to rank by');
  const svg = xyChart(unitChart(`Accuracy against coverage of ${scorer}`, 'coverage (fraction answered)', 'accuracy on answered'), (s) =>
    polyline(pts.map((p) => [s.x(p.coverage), s.y(p.accuracy)]), { colour: SERIES, width: 2 }) +
    markers(pts).map((p) => circle(s.x(p.coverage), s.y(p.accuracy), 2.5, SERIES, `${p.answered} answered (coverage ${num(p.coverage)}): accuracy ${num(p.accuracy)}, epistemic ≤ ${num(p.threshold)}`)).join(''),
  );
  const last = pts[pts.length - 1];
  const full = last === undefined ? '' : ` · accuracy ${num(last.accuracy)} at coverage ${num(last.coverage)}`;
  return figure(svg, `<b>Accuracy vs coverage</b> · ${escapeHtml(scorer)}${full} · ${sizes(m)}<br><span class="muted">answering the clips of least epistemic uncertainty first</span>`);
}

/** The three charts of one scorer side by side. */
export function scorerCharts(scorer: string, m: BinaryMetrics): string {
  return `<h3>${escapeHtml(scorer)}</h3><div class="charts">${rocFigure(scorer, m)}${reliabilityFigure(scorer, m)}${coverageFigure(scorer, m)}</div>`;
}

export function robustnessFigure(rows: readonly RobustnessRow[]): string {
  const svg = groupedBars({
    label: 'Accuracy and AUC per perturbation',
    groups: rows.map((r) => `${r.perturbation} (n=${r.n})`),
    series: [
      { name: 'accuracy', colour: SERIES, values: rows.map((r) => r.accuracy) },
      { name: 'AUC', colour: SECOND, values: rows.map((r) => r.auc) },
    ],
    y: { domain: [0, 1], label: 'accuracy / AUC', ticks: UNIT_TICKS },
    format: (v) => num(v),
  });
  return `<div class="charts wide">${figure(svg, '<b>Accuracy and AUC per perturbation</b> (fused; — = undefined)')}</div>`;
}

export function confusionFigure(a: AttributionMetrics): string {
  // Rows of methods absent from the set (no clip of that true method) would be all zeros: left out.
  const present = a.confusion.map((row, i) => [row, i] as const).filter(([row]) => row.some((v) => v > 0));
  const shade = present.map(([row]) => {
    const total = row.reduce((s, v) => s + v, 0);
    return row.map((v) => v / total);
  });
  const svg = heatGrid({
    label: 'Attribution confusion matrix',
    rows: present.map(([, i]) => a.classes[i] as string),
    cols: a.classes,
    cells: present.map(([row]) => row.map((v) => String(v))),
    shade,
    rowLabel: 'true method',
    colLabel: 'predicted',
  });
  return `<div class="charts wide">${figure(svg, `<b>Confusion matrix</b> · n = ${a.n} · shade = share of the row (recall), number = clips`)}</div>`;
}
