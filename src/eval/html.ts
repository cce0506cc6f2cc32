/**
 * eval.html: the `fakescope eval` report as one self-contained page — inline CSS and inline SVG,
 * no script, no external URL — meant to be checked by eye. Sections appear only when their data
 * is present (see EVAL_SECTIONS); every string from the report is escaped.
 */
import { escapeHtml, facts } from './html-format.js';
import {
  adversarialSection,
  attributionSection,
  binarySection,
  clipsSection,
  disagreementSection,
  EVAL_SECTIONS,
  logoSection,
  plotsSection,
  robustnessSection,
  verdictsSection,
} from './html-sections.js';
import type { SectionId } from './html-sections.js';
import type { EvalReport } from './types.js';

export { EVAL_SECTIONS };
export type { SectionId };

const BUILDERS: Readonly<Record<SectionId, (r: EvalReport) => string>> = {
  binary: binarySection,
  plots: plotsSection,
  verdicts: verdictsSection,
  disagreement: disagreementSection,
  attribution: attributionSection,
  logo: logoSection,
  robustness: robustnessSection,
  adversarial: adversarialSection,
  clips: clipsSection,
};

export function renderEvalHtml(report: EvalReport): string {
  const sections = (Object.keys(EVAL_SECTIONS) as SectionId[])
    .map((id) => [id, BUILDERS[id](report)] as const)
    .filter(([, html]) => html !== '');
  const nav = sections.map(([id]) => `<a href="#${id}">${escapeHtml(EVAL_SECTIONS[id])}</a>`).join('');
  const title = `fakescope eval · ${report.dataset.path}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style></head><body><main>`,
    header(report),
    nav === '' ? '' : `<nav>${nav}</nav>`,
    ...sections.map(([, html]) => html),
    `<footer>${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)} · eval schema v${report.schemaVersion} · ${escapeHtml(report.createdAt)}</footer>`,
    '</main></body></html>',
    '',
  ].join('\n');
}

function chips(entries: readonly string[]): string {
  return entries.length === 0 ? '<span class="null">none</span>' : entries.map((e) => `<span class="chip">${e}</span>`).join(' ');
}

/** A configuration value as given (not a metric, so no fixed decimals). */
function plain(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toFixed(6))) : '—';
}

function header(r: EvalReport): string {
  const d = r.dataset;
  const methods = Object.entries(d.methods)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([m, n]) => `${escapeHtml(m === '-' ? '- (real)' : m)} <b>${n}</b>`);
  const policy = [
    ...Object.entries(r.policy.values).map(([k, v]) => `${escapeHtml(k)} = <b>${plain(v)}</b>`),
    ...Object.entries(r.policy.weights ?? {}).map(([k, v]) => `weight ${escapeHtml(k)} = <b>${plain(v)}</b>`),
    ...(r.policy.calibration ? [`fused p(fake) = σ(<b>${plain(r.policy.calibration.a)}</b> · logit(mean) + <b>${plain(r.policy.calibration.b)}</b>)`] : []),
  ];
  const am = r.attributionModel;
  const model = am === null
    ? '<span class="null">none configured</span>'
    : `${escapeHtml(am.source)}<br>${chips(am.classes.map(escapeHtml))}`;
  const info = facts([
    ['dataset', `<code>${escapeHtml(d.path)}</code>`],
    ['clips', `<b>${d.items}</b> (${d.real} real, ${d.fake} fake)`],
    ['per method', chips(methods)],
    ['detectors', chips(r.detectors.map(escapeHtml))],
    ['policy', `${chips(policy)}<br><span class="muted">source: ${escapeHtml(r.policy.source)}</span>`],
    ['attribution model', model],
    ['created', escapeHtml(r.createdAt)],
    ['tool', `${escapeHtml(r.tool.name)} ${escapeHtml(r.tool.version)} · eval schema v${r.schemaVersion}`],
  ]);
  const notes = r.notes.length === 0 ? '' : `<div class="notes"><h2 id="notes">Notes</h2><ul>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></div>`;
  return `<header><h1>fakescope eval</h1>${info}${notes}</header>`;
}

const CSS = `
:root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#ffffff;--panel:#f9fafb;--accent:#2563eb}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1320px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 14px}
h2{font-size:19px;margin:36px 0 6px;padding-top:8px;border-top:1px solid var(--line)}
h3{font-size:15px;margin:20px 0 6px}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel);padding:1px 4px;border-radius:3px;word-break:break-all}
.intro{color:var(--muted);margin:0 0 10px;max-width:900px}
.muted{color:var(--muted)}
.null{color:var(--muted)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px;margin:0;max-width:1000px}
.facts dt{color:var(--muted)}
.facts dd{margin:0}
.chip{display:inline-block;background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:0 8px;margin:1px 0;font-size:13px}
.notes{margin-top:16px;background:#fffbeb;border:1px solid #fde68a;border-radius:6px;padding:4px 16px}
.notes h2{border:0;margin:6px 0 0;padding:0;font-size:15px}
.notes ul{margin:6px 0 8px;padding-left:20px}
nav{margin:18px 0 0;display:flex;flex-wrap:wrap;gap:6px 14px;font-size:13px}
nav a{color:var(--accent);text-decoration:none}
.tablewrap{overflow-x:auto;margin:6px 0 10px}
.tablewrap.scroll{max-height:520px;overflow-y:auto;border:1px solid var(--line);border-radius:4px}
table{border-collapse:collapse;font-size:13px}
th,td{padding:4px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--panel);font-weight:600;position:sticky;top:0;vertical-align:bottom}
th[title]{text-decoration:underline dotted var(--muted)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
td.name{white-space:nowrap}
td.strong{font-weight:700}
td.file{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;max-width:320px;word-break:break-all}
td.error{color:#b91c1c;max-width:260px}
tbody tr:nth-child(even) td:not([style]){background:#fcfcfd}
.ci{color:var(--muted);font-size:12px;display:block}
.badge{display:inline-block;border-radius:9px;padding:0 8px;font-size:12px;font-weight:600}
.badge.real{background:#dbeafe;color:#1e40af}
.badge.fake{background:#fee2e2;color:#991b1b}
.badge.uncertain{background:#fef3c7;color:#92400e}
.badge.other{background:var(--panel);color:var(--muted)}
.wrong{color:#b91c1c;font-weight:700}
.swatch{display:inline-block;width:12px;height:12px;border:1px solid var(--line);vertical-align:-2px}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 12px}
.stat{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:6px 14px;min-width:150px}
.stat-label{color:var(--muted);font-size:12px}
.stat-value{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.stat-n{color:var(--muted);font-size:12px}
.row{display:flex;flex-wrap:wrap;gap:12px 32px;align-items:flex-start}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:12px}
.charts.wide{display:block}
figure{margin:0;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px}
.charts.wide figure{display:inline-block;max-width:100%;overflow-x:auto}
figure svg{display:block;max-width:100%;height:auto;font-family:inherit}
figcaption{font-size:12px;color:var(--fg);margin-top:4px}
figure.empty{display:flex;align-items:center;justify-content:center;min-height:120px;background:var(--panel)}
.placeholder{color:var(--muted);font-size:13px;padding:12px;text-align:center}
footer{margin-top:40px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}
@media print{.tablewrap.scroll{max-height:none;overflow:visible}nav{display:none}}
`;
