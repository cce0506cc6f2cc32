/* global document */
/** DOM rendering of the analysis list, alerts, verdict, faces and report. No innerHTML with data. */
import { FACE_REGIONS, FACE_SHAPES, HEAD_OUTLINE, REGION_NAMES } from './report-shapes.gen.js';

const SVG = 'http://www.w3.org/2000/svg';
const pct = (p) => `${Math.round(p * 100)} %`;
const WORDS = { fake: 'Likely manipulated', real: 'No sign of manipulation found', uncertain: "Can't tell" };

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export function renderList(ul, analyses, selectedId, onPick) {
  if (analyses.length === 0) {
    ul.replaceChildren(el('li', { class: 'muted' }, 'None yet.'));
    return;
  }
  ul.replaceChildren(
    ...analyses.map((a) =>
      el(
        'li',
        {
          class: `pick${a.id === selectedId ? ' selected' : ''}`,
          title: a.input,
          tabindex: '0',
          role: 'button',
          'aria-current': a.id === selectedId ? 'true' : 'false',
          onclick: () => onPick(a),
          onkeydown: (e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              onPick(a);
            }
          },
        },
        el('span', { class: 'name' }, `${kindIcon(a.kind)} ${a.input}`),
        el('span', { class: `status ${a.status}` }, a.status),
      ),
    ),
  );
}

function kindIcon(kind) {
  return kind === 'upload' ? '⬆' : kind === 'webcam' ? '●' : '⇢';
}

/** The verdict so far: badge, headline in words, and the reason (words first, numbers after). */
export function renderVerdict(badge, headline, reasonEl, verdict) {
  badge.className = `badge ${verdict ? verdict.verdict : ''}`;
  badge.textContent = verdict ? verdict.verdict : '—';
  headline.className = `headline ${verdict ? verdict.verdict : ''}`;
  headline.textContent = verdict ? (verdict.headline ?? WORDS[verdict.verdict]) : '';
  if (!verdict) {
    reasonEl.textContent = '';
    return;
  }
  // A decided verdict's explanation already gives the score; an abstention's says why, so add it.
  const score = verdict.pFake === null || (verdict.explanation && verdict.verdict !== 'uncertain') ? '' : ` Score ${pct(verdict.pFake)}${verdict.threshold !== undefined ? ` (line at ${pct(verdict.threshold)})` : ''}.`;
  reasonEl.textContent = `${verdict.explanation ?? verdict.reason}${score}`;
}

/**
 * One line per face: its track verdict so far, the same number as its overlay label. `faces` is
 * a Map trackId → { verdict, pFake, headline? } kept by the page.
 */
export function renderFaces(ul, faces) {
  if (faces.size === 0) {
    ul.replaceChildren(el('li', { class: 'muted' }, 'No face yet.'));
    return;
  }
  ul.replaceChildren(
    ...[...faces.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([id, f]) =>
        el(
          'li',
          { 'data-track': String(id) },
          el('span', {}, el('b', {}, `Face #${id}`), ' ', el('span', { class: `headline-inline ${f.verdict}` }, f.headline ?? WORDS[f.verdict])),
          el('span', { class: 'num', 'data-pfake': f.pFake === null ? '' : f.pFake.toFixed(2) }, f.pFake === null ? 'no answer' : f.pFake.toFixed(2)),
        ),
      ),
  );
}

export function renderAlerts(ul, alerts) {
  if (alerts.size === 0) {
    ul.replaceChildren(el('li', { class: 'muted' }, 'No epistemic spikes.'));
    return;
  }
  const items = [...alerts.values()].sort((a, b) => b.startPtsMs - a.startPtsMs);
  ul.replaceChildren(
    ...items.map((a) =>
      el(
        'li',
        {},
        el('span', {}, el('b', {}, a.phase === 'end' ? 'Spike' : 'Spike (open)'), ` · face #${a.trackId} · ${secs(a.startPtsMs)}–${a.endPtsMs === null ? 'now' : secs(a.endPtsMs)}`),
        el('span', { class: 'muted' }, `peak ${a.peak.epistemic.toFixed(3)} nats (z ${a.peak.z.toFixed(1)}) · ${a.detectors.join(', ') || a.peak.detector}`),
      ),
    ),
  );
}

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The report for people (GET /api/analyses/:id/summary) with the technical figures folded away. */
export function renderReport(box, report, summary, links) {
  const s = report.summary;
  const conf = summary.plain.confidence;
  const secsRange = (a, b) => `${secs(a)}–${secs(b)}`;
  // The fusion weight each detector had in the verdict, as the server counted it (summary.detectors).
  const weights = new Map(summary.detectors.map((d) => [d.name, d.weight]));
  const weightText = (name) => {
    const w = weights.get(name);
    return w === undefined ? '—' : w <= 0 ? 'not counted' : w.toFixed(2);
  };
  const rows = Object.entries(report.detectors).map(([name, d]) =>
    el(
      'tr',
      {},
      el('td', {}, name),
      el('td', {}, d.pFake === null ? '—' : d.pFake.toFixed(2)),
      el('td', {}, d.uncertainty ? d.uncertainty.epistemic.toFixed(3) : '—'),
      el('td', {}, String(d.okFrames)),
      el('td', {}, weightText(name)),
    ),
  );
  box.replaceChildren(
    el('p', { id: 'report-headline', class: `headline ${summary.verdict}` }, summary.plain.headline),
    el('p', {}, el('b', {}, `${conf.level === 'none' ? '' : `${conf.words} · `}${summary.pFake === null ? 'no score' : `score ${pct(summary.pFake)} likely manipulated (line at ${pct(summary.threshold)})`}`)),
    el('p', { id: 'report-explanation' }, summary.plain.explanation),
    el('h3', {}, 'What to do next'),
    el('ul', {}, ...summary.plain.nextSteps.map((x) => el('li', {}, x))),
    el('h3', {}, 'Faces'),
    summary.faces.length
      ? el('ul', { id: 'report-faces' }, ...summary.faces.map((f) => el('li', { 'data-track': String(f.trackId), 'data-pfake': f.pFake === null ? '' : f.pFake.toFixed(2) }, el('b', {}, `Face #${f.trackId}`), summary.still ? '' : ` (${secsRange(f.startMs, f.endMs)})`, `: ${f.headline}${f.pFake === null ? '' : ` — ${f.pFake.toFixed(2)}`}`)))
      : el('p', { class: 'muted' }, 'No face was found.'),
    ...(summary.moments.length ? [el('h3', {}, 'The moments that drove it'), el('ul', {}, ...summary.moments.map((m) => el('li', {}, `${secsRange(m.startMs, m.endMs)}: score ${pct(m.score)} (face ${m.trackIds.map((id) => `#${id}`).join(', ')})`)))] : []),
    el('h3', {}, 'Where on the face'),
    summary.regions ? regionView(summary.regions) : el('p', { class: 'muted' }, 'No detector mapped face regions.'),
    el('h3', {}, 'Detectors'),
    el('ul', {}, ...summary.detectors.map((d) => el('li', {}, `${d.name}: ${d.pFake === null ? 'no score' : pct(d.pFake)} — ${d.stance}`))),
    el('p', { class: 'links' }, el('a', { href: links.html, target: '_blank', rel: 'noopener' }, 'Printable report'), el('a', { href: links.json, download: '' }, 'Download the JSON report')),
    el(
      'details',
      {},
      el('summary', {}, 'Technical details'),
      el('p', {}, `${s.verdict} (${s.why}): ${s.reason}`),
      el('p', { class: 'muted' }, `${s.frames} frames · faces on ${s.framesWithFaces} · ${s.tracks} track(s) · ${report.analysis.complete ? 'complete' : 'partial'}`),
      ...(summary.likelySource ? [el('p', { id: 'attribution' }, `${summary.likelySource}; classifier entropy ${s.attribution.entropy.toFixed(2)} nats`)] : []),
      ...(s.policy && s.policy.source ? [el('p', { class: 'muted' }, `Verdict thresholds: ${s.policy.source}`)] : []),
      rows.length
        ? el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'detector'), el('th', {}, 'p(fake)'), el('th', {}, 'epistemic'), el('th', {}, 'frames'), el('th', { title: 'fusion weight in the verdict (fitted by fakescope calibrate; 1 each when the policy fits none of these detectors)' }, 'weight'))), el('tbody', {}, ...rows))
        : el('p', { class: 'muted' }, 'No detector is configured on this server.'),
    ),
  );
}

/** The face diagram: the seven regions filled by score (fills computed by the server). */
function regionView(regions) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 120 150');
  svg.setAttribute('width', '150');
  svg.setAttribute('height', '188');
  svg.setAttribute('role', 'img');
  svg.setAttribute('id', 'region-view');
  const text = FACE_REGIONS.map((r) => `${REGION_NAMES[r]} ${regions.scores[r] === null ? '—' : pct(regions.scores[r])}`).join(', ');
  svg.setAttribute('aria-label', `score per face region: ${text}`);
  const head = document.createElementNS(SVG, 'path');
  head.setAttribute('d', HEAD_OUTLINE);
  head.setAttribute('fill', '#f4f5f7');
  head.setAttribute('stroke', '#8a909c');
  svg.append(head);
  for (const r of FACE_REGIONS) {
    const shape = FACE_SHAPES[r];
    const node = document.createElementNS(SVG, shape.kind);
    if (shape.kind === 'ellipse') for (const k of ['cx', 'cy', 'rx', 'ry']) node.setAttribute(k, String(shape[k]));
    else node.setAttribute('d', shape.d);
    node.setAttribute('fill', regions.fills[r]);
    node.setAttribute('stroke', '#5b616d');
    node.setAttribute('data-region', r);
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${REGION_NAMES[r]}: ${regions.scores[r] === null ? 'no score' : pct(regions.scores[r])}`;
    node.append(title);
    svg.append(node);
  }
  const ranked = [...FACE_REGIONS].sort((a, b) => (regions.scores[b] ?? -1) - (regions.scores[a] ?? -1));
  return el(
    'div',
    { class: 'regions' },
    svg,
    el(
      'div',
      {},
      el('p', { class: 'muted' }, regions.caption),
      el('table', { id: 'region-table' }, el('thead', {}, el('tr', {}, el('th', {}, 'region'), el('th', {}, 'region score'))), el('tbody', {}, ...ranked.map((r) => el('tr', {}, el('td', {}, REGION_NAMES[r]), el('td', {}, regions.scores[r] === null ? '—' : pct(regions.scores[r])))))),
    ),
  );
}
