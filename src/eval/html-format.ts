/**
 * HTML building blocks for eval.html: number formatting, table cells and tables, verdict badges.
 * Every string from the report passes through escapeHtml here or in the caller; a Cell's `html`
 * is markup that is already safe.
 */
import { divergingColour, escapeHtml } from './svg.js';

export { escapeHtml };

/** What an undefined metric (null) prints as. */
export const DASH = '—';

/** A metric with `digits` decimals (3 by default), or '—' for null / non-finite. */
export function num(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : x.toFixed(digits);
}

/** A count as a plain integer, or '—'. */
export function count(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : String(Math.round(x));
}

export interface Cell {
  readonly html: string;
  readonly cls?: string;
  readonly style?: string;
  readonly title?: string;
}

export interface Head {
  readonly label: string;
  /** Hover text explaining the column. */
  readonly title?: string;
  readonly num?: boolean;
}

/** A text cell (escaped). */
export function textCell(s: string, cls?: string): Cell {
  return cls === undefined ? { html: escapeHtml(s) } : { html: escapeHtml(s), cls };
}

/** A right-aligned metric cell. */
export function numCell(x: number | null | undefined, digits = 3): Cell {
  return { html: num(x, digits), cls: x === null || x === undefined ? 'num null' : 'num' };
}

export function countCell(x: number | null | undefined): Cell {
  return { html: count(x), cls: 'num' };
}

/** A p(fake) cell shaded blue (real-ish) → white → red (fake-ish). */
export function pFakeCell(p: number | null | undefined): Cell {
  if (p === null || p === undefined || !Number.isFinite(p)) return { html: DASH, cls: 'num null' };
  const fg = Math.abs(p - 0.5) > 0.32 ? '#ffffff' : '#111827';
  return { html: num(p), cls: 'num', style: `background:${divergingColour(p)};color:${fg}` };
}

/** Verdict as a coloured badge; marked when it contradicts the label (uncertain never does). */
export function verdictCell(verdict: string, label: string, reason?: string): Cell {
  const wrong = (verdict === 'real' || verdict === 'fake') && (label === 'real' || label === 'fake') && verdict !== label;
  const known = verdict === 'real' || verdict === 'fake' || verdict === 'uncertain' ? verdict : 'other';
  const mark = wrong ? ' <span class="wrong" title="verdict contradicts the label">✗</span>' : '';
  const cell: Cell = { html: `<span class="badge ${known}">${escapeHtml(verdict)}</span>${mark}` };
  return reason === undefined || reason === '' ? cell : { ...cell, title: reason };
}

/** A table; `scroll` caps its height (the header stays visible) for long per-clip lists. */
export function table(heads: readonly (string | Head)[], rows: readonly (readonly Cell[])[], opts: { scroll?: boolean; cls?: string } = {}): string {
  const th = heads
    .map((h) => (typeof h === 'string' ? { label: h } : h))
    .map((h) => `<th${h.num ? ' class="num"' : ''}${h.title ? ` title="${escapeHtml(h.title)}"` : ''}>${headLabel(h.label)}</th>`)
    .join('');
  const body = rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('\n');
  const cls = opts.cls ? ` class="${escapeHtml(opts.cls)}"` : '';
  const t = `<table${cls}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
  return `<div class="${opts.scroll ? 'tablewrap scroll' : 'tablewrap'}">${t}</div>`;
}

/** Keeps a trailing ↑/↓ (better-is) arrow on the line of the word before it. */
function headLabel(label: string): string {
  return escapeHtml(label).replace(/ ([↑↓±])/g, '&nbsp;$1');
}

function td(c: Cell): string {
  const cls = c.cls ? ` class="${escapeHtml(c.cls)}"` : '';
  const style = c.style ? ` style="${escapeHtml(c.style)}"` : '';
  const title = c.title ? ` title="${escapeHtml(c.title)}"` : '';
  return `<td${cls}${style}${title}>${c.html}</td>`;
}

/** Key/value pairs as a definition list; values are markup. */
export function facts(pairs: readonly (readonly [string, string])[]): string {
  return `<dl class="facts">${pairs.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

/** A headline number with its sample size. */
export function stat(label: string, value: string, n: string): string {
  return `<div class="stat"><div class="stat-label">${escapeHtml(label)}</div><div class="stat-value">${value}</div><div class="stat-n">${n}</div></div>`;
}
