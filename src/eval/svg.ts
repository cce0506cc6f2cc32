/**
 * Small inline-SVG chart primitives for eval.html: linear scales with nice ticks, an x/y frame with
 * grid, axes and labels, polylines, grouped bars and a heat-map grid. Pure string builders; every
 * text goes through escapeHtml and every coordinate is finite (points that are not are dropped).
 */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/SVG content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** A pixel coordinate with one decimal; a non-finite value is a bug in the caller. */
export function px(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`non-finite SVG coordinate ${v}`);
  return String(Math.round(v * 10) / 10);
}

export interface Margin {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

export interface Axis {
  readonly domain: readonly [number, number];
  readonly label: string;
  /** Tick values; nice ticks over the domain when absent. */
  readonly ticks?: readonly number[];
}

export interface XyChartSpec {
  readonly width: number;
  readonly height: number;
  /** Accessible name of the chart (aria-label and <title>). */
  readonly label: string;
  readonly x: Axis;
  readonly y: Axis;
  readonly margin?: Margin;
}

/** Data → pixel maps of one chart, and its plot box in pixels. */
export interface Scales {
  readonly x: (v: number) => number;
  readonly y: (v: number) => number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface Stroke {
  readonly colour: string;
  readonly width?: number;
  readonly dash?: string;
  readonly opacity?: number;
}

const DEFAULT_MARGIN: Margin = { top: 12, right: 14, bottom: 40, left: 48 };
export const TICK_FONT = 11;
export const LABEL_FONT = 12;
const AXIS_COLOUR = '#6b7280';
const GRID_COLOUR = '#e5e7eb';

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps everything to the middle. */
export function linear(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  return span === 0 ? () => (r0 + r1) / 2 : (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** About `target` round tick values (steps of 1, 2 or 5 × 10^k) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || hi <= lo) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toFixed(decimals)));
  return out;
}

/** Shortest decimal form of a tick value (0.2, 1, 0.25). */
export function tickLabel(v: number): string {
  return String(Number(v.toFixed(6)));
}

export function scalesFor(spec: XyChartSpec): Scales {
  const m = spec.margin ?? DEFAULT_MARGIN;
  const left = m.left;
  const right = spec.width - m.right;
  const top = m.top;
  const bottom = spec.height - m.bottom;
  return { x: linear(spec.x.domain, [left, right]), y: linear(spec.y.domain, [bottom, top]), left, right, top, bottom };
}

/** An <svg> element with its accessible name; `body` is markup. */
export function svgRoot(width: number, height: number, label: string, body: string): string {
  const name = escapeHtml(label);
  return `<svg viewBox="0 0 ${px(width)} ${px(height)}" width="${px(width)}" height="${px(height)}" role="img" aria-label="${name}"><title>${name}</title>${body}</svg>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: Stroke): string {
  return `<line x1="${px(x1)}" y1="${px(y1)}" x2="${px(x2)}" y2="${px(y2)}"${strokeAttrs(stroke)}/>`;
}

/** A polyline through the points whose coordinates are both finite; '' when fewer than one remains. */
export function polyline(points: readonly (readonly [number, number])[], stroke: Stroke): string {
  const ok = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (ok.length === 0) return '';
  return `<polyline fill="none" stroke-linejoin="round" points="${ok.map(([x, y]) => `${px(x)},${px(y)}`).join(' ')}"${strokeAttrs(stroke)}/>`;
}

export function circle(x: number, y: number, r: number, fill: string, tooltip?: string): string {
  if (!(Number.isFinite(x) && Number.isFinite(y))) return '';
  const t = tooltip === undefined ? '' : `<title>${escapeHtml(tooltip)}</title>`;
  return `<circle cx="${px(x)}" cy="${px(y)}" r="${px(r)}" fill="${escapeHtml(fill)}">${t}</circle>`;
}

export function rect(x: number, y: number, w: number, h: number, fill: string, opts: { opacity?: number; tooltip?: string; stroke?: string } = {}): string {
  if (![x, y, w, h].every(Number.isFinite)) return '';
  const op = opts.opacity === undefined ? '' : ` fill-opacity="${Math.round(opts.opacity * 1000) / 1000}"`;
  const st = opts.stroke === undefined ? '' : ` stroke="${escapeHtml(opts.stroke)}"`;
  const t = opts.tooltip === undefined ? '' : `<title>${escapeHtml(opts.tooltip)}</title>`;
  return `<rect x="${px(x)}" y="${px(y)}" width="${px(Math.max(0, w))}" height="${px(Math.max(0, h))}" fill="${escapeHtml(fill)}"${op}${st}>${t}</rect>`;
}

export interface TextOpts {
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly size?: number;
  readonly fill?: string;
  readonly weight?: 'bold';
  /** Rotation in degrees about (x, y). */
  readonly rotate?: number;
  readonly baseline?: 'middle' | 'hanging';
}

export function text(x: number, y: number, s: string, o: TextOpts = {}): string {
  const attrs = [`x="${px(x)}"`, `y="${px(y)}"`];
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  if (o.size !== undefined) attrs.push(`font-size="${px(o.size)}"`);
  if (o.fill !== undefined) attrs.push(`fill="${escapeHtml(o.fill)}"`);
  if (o.weight) attrs.push(`font-weight="${o.weight}"`);
  if (o.baseline) attrs.push(`dominant-baseline="${o.baseline === 'middle' ? 'central' : 'hanging'}"`);
  if (o.rotate) attrs.push(`transform="rotate(${px(o.rotate)} ${px(x)} ${px(y)})"`);
  return `<text ${attrs.join(' ')}>${escapeHtml(s)}</text>`;
}

/** Grid lines, axis lines, tick labels and axis labels of an x/y chart. */
export function axes(spec: XyChartSpec, s: Scales): string {
  const xt = spec.x.ticks ?? niceTicks(spec.x.domain[0], spec.x.domain[1]);
  const yt = spec.y.ticks ?? niceTicks(spec.y.domain[0], spec.y.domain[1]);
  const parts: string[] = [];
  for (const v of xt) {
    const x = s.x(v);
    parts.push(line(x, s.top, x, s.bottom, { colour: GRID_COLOUR }));
    parts.push(text(x, s.bottom + 14, tickLabel(v), { anchor: 'middle', size: TICK_FONT, fill: AXIS_COLOUR }));
  }
  for (const v of yt) {
    const y = s.y(v);
    parts.push(line(s.left, y, s.right, y, { colour: GRID_COLOUR }));
    parts.push(text(s.left - 6, y, tickLabel(v), { anchor: 'end', size: TICK_FONT, fill: AXIS_COLOUR, baseline: 'middle' }));
  }
  parts.push(line(s.left, s.bottom, s.right, s.bottom, { colour: AXIS_COLOUR }));
  parts.push(line(s.left, s.top, s.left, s.bottom, { colour: AXIS_COLOUR }));
  parts.push(text((s.left + s.right) / 2, spec.height - 6, spec.x.label, { anchor: 'middle', size: LABEL_FONT }));
  const yMid = (s.top + s.bottom) / 2;
  parts.push(text(13, yMid, spec.y.label, { anchor: 'middle', size: LABEL_FONT, rotate: -90 }));
  return parts.join('');
}

/** A complete x/y chart: frame and axes first, then whatever `draw` returns in data coordinates. */
export function xyChart(spec: XyChartSpec, draw: (s: Scales) => string): string {
  const s = scalesFor(spec);
  return svgRoot(spec.width, spec.height, spec.label, axes(spec, s) + draw(s));
}

export interface BarSeries {
  readonly name: string;
  readonly colour: string;
  readonly values: readonly (number | null)[];
}

export interface GroupedBarsSpec {
  readonly label: string;
  readonly groups: readonly string[];
  readonly series: readonly BarSeries[];
  readonly y: Axis;
  readonly height?: number;
  /** How a value is printed over its bar and in its tooltip. */
  readonly format: (v: number | null) => string;
}

const BAR_W = 32;
const CHAR_W = 6.6;

/** Bars of each series side by side per group, values printed over the bars, a legend on top. */
export function groupedBars(spec: GroupedBarsSpec): string {
  const longest = Math.max(0, ...spec.groups.map((g) => g.length));
  // Wide enough for its label up to a point; longer labels are turned instead.
  const groupW = Math.max(spec.series.length * BAR_W + 24, Math.min(longest * CHAR_W + 16, 170));
  const rotateLabels = longest * CHAR_W > groupW - 6;
  const bottom = rotateLabels ? 30 + longest * CHAR_W * 0.66 : 40;
  const margin: Margin = { top: 30, right: 12, bottom, left: 48 };
  const width = Math.max(260, margin.left + margin.right + spec.groups.length * groupW);
  const height = spec.height ?? 260 + (bottom - 40);
  const chart: XyChartSpec = { width, height, label: spec.label, x: { domain: [0, 1], label: '', ticks: [] }, y: spec.y, margin };
  const s = scalesFor(chart);
  const step = (s.right - s.left) / Math.max(1, spec.groups.length);
  const parts: string[] = [axes(chart, s)];
  spec.groups.forEach((g, gi) => {
    const x0 = s.left + gi * step + (step - spec.series.length * BAR_W) / 2;
    spec.series.forEach((series, si) => {
      const v = series.values[gi] ?? null;
      const x = x0 + si * BAR_W + 2;
      const shown = spec.format(v);
      if (v !== null && Number.isFinite(v)) {
        const y = s.y(Math.max(spec.y.domain[0], Math.min(spec.y.domain[1], v)));
        parts.push(rect(x, y, BAR_W - 4, s.bottom - y, series.colour, { tooltip: `${g} · ${series.name}: ${shown}` }));
        parts.push(text(x + (BAR_W - 4) / 2, y - 3, shown, { anchor: 'middle', size: 9.5 }));
      } else {
        parts.push(text(x + (BAR_W - 4) / 2, s.bottom - 4, shown, { anchor: 'middle', size: 9.5, fill: AXIS_COLOUR }));
      }
    });
    const cx = s.left + (gi + 0.5) * step;
    parts.push(rotateLabels
      ? text(cx + 4, s.bottom + 12, g, { anchor: 'end', size: TICK_FONT, rotate: -40 })
      : text(cx, s.bottom + 15, g, { anchor: 'middle', size: TICK_FONT }));
  });
  let lx = s.left;
  for (const series of spec.series) {
    parts.push(rect(lx, 8, 12, 12, series.colour));
    parts.push(text(lx + 16, 14, series.name, { size: TICK_FONT, baseline: 'middle' }));
    lx += 16 + series.name.length * CHAR_W + 18;
  }
  return svgRoot(width, height, spec.label, parts.join(''));
}

export interface HeatGridSpec {
  readonly label: string;
  readonly rows: readonly string[];
  readonly cols: readonly string[];
  /** Text printed in each cell, [row][col]. */
  readonly cells: readonly (readonly string[])[];
  /** Shade of each cell in [0, 1], [row][col]; null leaves the cell blank. */
  readonly shade: readonly (readonly (number | null)[])[];
  readonly rowLabel: string;
  readonly colLabel: string;
}

/** A matrix of shaded cells with row labels on the left and column labels on top. */
export function heatGrid(spec: HeatGridSpec): string {
  const cell = 52;
  const rowW = Math.max(40, ...spec.rows.map((r) => r.length * CHAR_W)) + 10;
  const colH = Math.max(24, ...spec.cols.map((c) => c.length * CHAR_W * 0.72)) + 10;
  const left = 22 + rowW;
  const top = 22 + colH;
  const width = left + spec.cols.length * cell + 10;
  const height = top + spec.rows.length * cell + 10;
  const parts: string[] = [];
  parts.push(text(left + (spec.cols.length * cell) / 2, 13, spec.colLabel, { anchor: 'middle', size: LABEL_FONT, weight: 'bold' }));
  parts.push(text(12, top + (spec.rows.length * cell) / 2, spec.rowLabel, { anchor: 'middle', size: LABEL_FONT, weight: 'bold', rotate: -90 }));
  spec.cols.forEach((c, ci) => {
    parts.push(text(left + ci * cell + cell / 2, top - 6, c, { size: TICK_FONT, rotate: -45 }));
  });
  spec.rows.forEach((r, ri) => {
    const y = top + ri * cell;
    parts.push(text(left - 6, y + cell / 2, r, { anchor: 'end', size: TICK_FONT, baseline: 'middle' }));
    spec.cols.forEach((c, ci) => {
      const t = spec.shade[ri]?.[ci] ?? null;
      const x = left + ci * cell;
      const shade = t === null || !Number.isFinite(t) ? null : Math.max(0, Math.min(1, t));
      parts.push(rect(x, y, cell, cell, shade === null ? '#ffffff' : sequentialColour(shade), { stroke: '#ffffff', tooltip: `${r} → ${c}` }));
      const label = spec.cells[ri]?.[ci] ?? '';
      const fill = shade !== null && shade > 0.55 ? '#ffffff' : '#111827';
      parts.push(text(x + cell / 2, y + cell / 2, label, { anchor: 'middle', size: LABEL_FONT, fill, baseline: 'middle' }));
    });
  });
  parts.push(rect(left, top, spec.cols.length * cell, spec.rows.length * cell, 'none', { stroke: '#d1d5db' }));
  return svgRoot(width, height, spec.label, parts.join(''));
}

/** White → deep blue for t in [0, 1]. */
export function sequentialColour(t: number): string {
  return mix([247, 251, 255], [8, 69, 148], t);
}

/** Blue (0, real-ish) → near-white (0.5) → red (1, fake-ish). */
export function divergingColour(p: number): string {
  const t = Math.max(0, Math.min(1, p));
  return t < 0.5 ? mix([33, 102, 172], [247, 247, 247], t / 0.5) : mix([247, 247, 247], [178, 24, 43], (t - 0.5) / 0.5);
}

function mix(a: readonly [number, number, number], b: readonly [number, number, number], t: number): string {
  const c = a.map((v, i) => Math.round(v + ((b[i] as number) - v) * t));
  return `rgb(${c.join(',')})`;
}

function strokeAttrs(s: Stroke): string {
  let out = ` stroke="${escapeHtml(s.colour)}" stroke-width="${px(s.width ?? 1)}"`;
  if (s.dash !== undefined) out += ` stroke-dasharray="${escapeHtml(s.dash)}"`;
  if (s.opacity !== undefined) out += ` stroke-opacity="${Math.round(s.opacity * 1000) / 1000}"`;
  return out;
}
