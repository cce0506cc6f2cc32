import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVAL_SECTIONS, renderEvalHtml } from '../../src/eval/html.js';
import type { SectionId } from '../../src/eval/html.js';
import { escapeHtml, niceTicks, polyline, px } from '../../src/eval/svg.js';
import type { EvalReport } from '../../src/eval/types.js';
import { DETECTORS, evalReportFixture, NASTY_FILE } from './fixtures.js';

/** Set FAKESCOPE_EVAL_HTML=/tmp/eval-fixture.html to look at the fixture's page in a browser. */
const out = process.env.FAKESCOPE_EVAL_HTML;

const full = evalReportFixture();
const html = renderEvalHtml(full);
if (out) writeFileSync(out, html);

function heading(id: SectionId): string {
  return `<h2>${escapeHtml(EVAL_SECTIONS[id])}</h2>`;
}

function svgCount(s: string): number {
  return (s.match(/<svg[\s>]/g) ?? []).length;
}

/** The markup of one section. */
function sectionOf(s: string, id: SectionId): string {
  const m = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(s);
  if (!m) throw new Error(`section ${id} missing`);
  return m[1] as string;
}

/** Cells (inner markup) of each body row of the first table in `s`. */
function bodyRows(s: string): string[][] {
  const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(s)?.[1] ?? '';
  return [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...(r[1] as string).matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1] as string));
}

function headers(s: string): string[] {
  const thead = /<thead>([\s\S]*?)<\/thead>/.exec(s)?.[1] ?? '';
  return [...thead.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((c) => c[1] as string);
}

/** The report with every optional section emptied. */
const EMPTY: Partial<EvalReport> = {
  binary: {},
  verdicts: { ...full.verdicts, n: 0, answered: 0, coverage: null, accuracyAnswered: null, accuracyForced: null, reasons: {} },
  disagreement: [],
  attribution: null,
  logo: null,
  robustness: [],
  adversarial: null,
  clips: [],
  notes: [],
};

describe('renderEvalHtml', () => {
  it('is one self-contained HTML page: no script, no external URL', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
    expect(html).not.toMatch(/url\(|@import|<link|<img|<iframe/i);
    const refs = [...html.matchAll(/\s(?:src|href|xlink:href)="([^"]*)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(0); // the in-page navigation
    for (const r of refs) expect(r).toMatch(/^#[a-z]+$/);
  });

  it('shows every section heading when its data is present, in page order', () => {
    const at = (Object.keys(EVAL_SECTIONS) as SectionId[]).map((id) => html.indexOf(heading(id)));
    for (const i of at) expect(i).toBeGreaterThan(0);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html).toContain('<h2 id="notes">Notes</h2>');
  });

  it('leaves out every section whose data is empty, keeping the header', () => {
    const bare = renderEvalHtml(evalReportFixture(EMPTY));
    for (const id of Object.keys(EVAL_SECTIONS) as SectionId[]) {
      expect(bare).not.toContain(heading(id));
      expect(bare).not.toContain(`href="#${id}"`);
    }
    expect(bare).not.toContain('Notes');
    expect(bare).not.toContain('<nav>');
    expect(svgCount(bare)).toBe(0);
    expect(bare).toContain('/data/eval/manifest.csv');
  });

  const alone: [SectionId, Partial<EvalReport>][] = [
    ['binary', { binary: {} }],
    ['verdicts', { verdicts: EMPTY.verdicts as EvalReport['verdicts'] }],
    ['disagreement', { disagreement: [] }],
    ['attribution', { attribution: null }],
    ['logo', { logo: null }],
    ['logo', { logo: [] }],
    ['robustness', { robustness: [] }],
    ['adversarial', { adversarial: null }],
    ['clips', { clips: [] }],
  ];
  it.each(alone)('leaves out only the %s section when its data is empty', (id, overrides) => {
    const page = renderEvalHtml(evalReportFixture(overrides));
    for (const other of Object.keys(EVAL_SECTIONS) as SectionId[]) {
      const gone = other === id || (id === 'binary' && other === 'plots');
      expect(page.includes(heading(other)), other).toBe(!gone);
    }
  });

  it('escapes HTML special characters from the report', () => {
    expect(html).not.toContain(NASTY_FILE);
    expect(html).not.toContain('<i>');
    const escaped = 'real/b &lt;i&gt;&amp;amp; &quot;quoted&quot; &#39;x&#39;.mp4';
    expect(sectionOf(html, 'clips')).toContain(escaped);
    expect(sectionOf(html, 'disagreement')).toContain(escaped);
    const page = renderEvalHtml(evalReportFixture({ dataset: { ...full.dataset, path: '/d/</title><b>x</b>' }, notes: ['a < b & "c"'] }));
    expect(page).toContain('<title>fakescope eval · /d/&lt;/title&gt;&lt;b&gt;x&lt;/b&gt;</title>');
    expect(page).toContain('<li>a &lt; b &amp; &quot;c&quot;</li>');
  });

  it('gives the flip rate its real denominator and does not contradict itself on epistemic', () => {
    const html = renderEvalHtml(evalReportFixture());
    expect(html).toContain('n = 29 crops called fake before the attack (of 36 attacked); fake → real');
    expect(html).toContain('crops whose epistemic rose');
    expect(html).toContain('the mean moved by +0.0600 nats');
  });

  it('leaves all-zero rows (methods absent from the set) out of the confusion matrix', () => {
    const base = evalReportFixture();
    const a = base.attribution!;
    const withAbsent = { ...a, classes: [...a.classes.slice(0, 2), 'absentgen', ...a.classes.slice(2)], confusion: [...a.confusion.slice(0, 2).map((r) => [...r.slice(0, 2), 0, ...r.slice(2)]), [0, 0, 0, 0], ...a.confusion.slice(2).map((r) => [...r.slice(0, 2), 0, ...r.slice(2)])] };
    const html = renderEvalHtml({ ...base, attribution: withAbsent });
    const grid = html.slice(html.indexOf('Attribution confusion matrix'));
    // The column stays (a prediction could name it); the row does not.
    expect((grid.match(/>absentgen</g) ?? []).length).toBe(1);
  });

  it('draws three charts per scorer, one per perturbation chart and one confusion matrix', () => {
    const scorers = 1 + DETECTORS.length;
    expect(svgCount(html)).toBe(3 * scorers + 1 + 1);
    expect(svgCount(sectionOf(html, 'plots'))).toBe(3 * scorers);
    expect(svgCount(sectionOf(html, 'robustness'))).toBe(1);
    expect(svgCount(sectionOf(html, 'attribution'))).toBe(1);
    // A scorer whose ROC is undefined (one class only) gets a placeholder instead of a chart.
    const oneClass = { ...full.binary, fused: { ...(full.binary.fused as EvalReport['binary'][string]), roc: null, auc: null, aucCi: null } };
    const page = renderEvalHtml(evalReportFixture({ binary: oneClass, robustness: [] }));
    expect(svgCount(page)).toBe(3 * scorers - 1 + 1);
    expect(page).toContain('ROC · fused: undefined');
  });

  it('puts the fused scorer first and prints a null metric as —', () => {
    const names = bodyRows(sectionOf(html, 'binary')).map((r) => r[0]);
    expect(names).toEqual(['fused', ...DETECTORS]);
    const fused = full.binary.fused as EvalReport['binary'][string];
    const page = renderEvalHtml(evalReportFixture({ binary: { ...full.binary, fused: { ...fused, epistemicErrorAuroc: null, aucCi: null } } }));
    const sec = sectionOf(page, 'binary');
    const col = headers(sec).findIndex((h) => h.startsWith('epistemic→error'));
    const row = bodyRows(sec)[0] as string[];
    expect(row[col]).toBe('—');
    expect(row[col + 1]).toMatch(/^\d\.\d{3}$/);
    expect(row[headers(sec).findIndex((h) => h.startsWith('AUC'))]).toMatch(/^\d\.\d{3}$/);
    // With its interval, AUC shows [lo, hi] too.
    expect(sectionOf(html, 'binary')).toMatch(/\d\.\d{3} <span class="ci">\[\d\.\d{3}, \d\.\d{3}\]<\/span>/);
  });

  it('reads the fused ECE against what a perfectly calibrated score would show on as many clips', () => {
    const fused = full.binary.fused as EvalReport['binary'][string];
    const ref = fused.eceIfCalibrated!;
    const within = sectionOf(renderEvalHtml(evalReportFixture({ binary: { ...full.binary, fused: { ...fused, eceIfCalibrated: { ...ref, pValue: 0.4 } } } })), 'binary');
    expect(within).toMatch(/a perfectly calibrated fused score with the same p\(fake\) would show ECE \d\.\d{3} on average/);
    expect(within).toMatch(/is within that noise \(p = 0\.400\)/);
    const beyond = sectionOf(renderEvalHtml(evalReportFixture({ binary: { ...full.binary, fused: { ...fused, eceIfCalibrated: { ...ref, pValue: 0.01 } } } })), 'binary');
    expect(beyond).toMatch(/is beyond that noise \(p = 0\.010\): the fused score is miscalibrated/);
    const none = sectionOf(renderEvalHtml(evalReportFixture({ binary: { ...full.binary, fused: { ...fused, eceIfCalibrated: null } } })), 'binary');
    expect(none).not.toMatch(/perfectly calibrated fused score/);
  });

  it('shows each headline number with its sample size', () => {
    const v = sectionOf(html, 'verdicts');
    expect(v).toContain(`${full.verdicts.answered} / ${full.verdicts.n}`);
    expect(v).toContain(`n = ${full.verdicts.answered}`);
    const fused = full.binary.fused as EvalReport['binary'][string];
    expect(sectionOf(html, 'plots')).toContain(`n = ${fused.n} (${fused.nReal} real, ${fused.nFake} fake, 1 unanswered)`);
    expect(sectionOf(html, 'attribution')).toContain(`n = ${full.attribution?.n}`);
    expect(sectionOf(html, 'robustness')).toContain('jpeg-q30 (n=5)');
  });

  it('sorts the disagreement table by spread, largest first, colouring p(fake) red to blue', () => {
    const sec = sectionOf(html, 'disagreement');
    const rows = bodyRows(sec);
    const spreads = rows.map((r) => r[3 + DETECTORS.length] as string);
    const numeric = spreads.filter((s) => s !== '—').map(Number);
    expect(numeric).toEqual([...numeric].sort((a, b) => b - a));
    expect(spreads.at(-1)).toBe('—'); // the failed clip, no spread
    expect(rows[0]?.[0]).toBe('fake/simswap/e.mp4');
    const colour = (p: string): [number, number, number] => {
      const m = new RegExp(`background:rgb\\((\\d+),(\\d+),(\\d+)\\)[^>]*>${p.replace('.', '\\.')}<`).exec(sec);
      return [Number(m?.[1]), Number(m?.[2]), Number(m?.[3])];
    };
    const [r1, , b1] = colour('0.910');
    const [r0, , b0] = colour('0.120');
    expect(r1).toBeGreaterThan(b1);
    expect(b0).toBeGreaterThan(r0);
  });

  it('lists every clip with fused p ± std, verdict and the error of a failed clip', () => {
    const rows = bodyRows(sectionOf(html, 'clips'));
    expect(rows).toHaveLength(full.clips.length);
    const failed = rows.find((r) => r[0] === 'fake/faceswap/f.mp4') as string[];
    expect(failed[4]).toBe('—');
    expect(failed[8]).toBe('ffmpeg exited with code 1: moov atom not found');
    expect(rows[0]?.[4]).toMatch(/^0\.160 ± 0\.040$/);
    expect(rows.find((r) => r[0] === 'fake/reenact/g.mp4')?.[6]).toContain('class="wrong"');
  });

  it('writes only finite coordinates (the ROC corner has threshold +Infinity)', () => {
    expect(full.binary.fused?.roc?.[0]?.threshold).toBe(Number.POSITIVE_INFINITY);
    expect(html).not.toMatch(/NaN|Infinity/);
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(11);
    for (const svg of svgs) {
      const attrs = [...svg.matchAll(/\s(?:x|y|x1|y1|x2|y2|cx|cy|r|width|height|points|viewBox|font-size|fill-opacity)="([^"]*)"/g)];
      expect(attrs.length).toBeGreaterThan(10);
      for (const [, v] of attrs) for (const n of (v as string).split(/[\s,]+/)) expect(Number.isFinite(Number(n)), `${n} in ${v}`).toBe(true);
    }
  });
});

describe('svg primitives', () => {
  it('picks round ticks', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 0.35, 4)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  it('refuses a non-finite coordinate and drops non-finite points', () => {
    expect(() => px(Number.NaN)).toThrow(RangeError);
    expect(polyline([[0, 0], [Number.NaN, 1], [2, Number.POSITIVE_INFINITY], [3, 4]], { colour: '#000' })).toContain('points="0,0 3,4"');
    expect(polyline([[Number.NaN, 1]], { colour: '#000' })).toBe('');
  });
});
