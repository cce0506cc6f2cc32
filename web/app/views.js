/* global document */
/** DOM rendering of the analysis list, alerts, verdict and report. No innerHTML with data. */

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
        { class: `pick${a.id === selectedId ? ' selected' : ''}`, title: a.input, onclick: () => onPick(a) },
        el('span', { class: 'name' }, `${kindIcon(a.kind)} ${a.input}`),
        el('span', { class: `status ${a.status}` }, a.status),
      ),
    ),
  );
}

function kindIcon(kind) {
  return kind === 'upload' ? '⬆' : kind === 'webcam' ? '●' : '⇢';
}

export function renderVerdict(badge, reasonEl, verdict) {
  badge.className = `badge ${verdict ? verdict.verdict : ''}`;
  badge.textContent = verdict ? verdict.verdict : '—';
  reasonEl.textContent = verdict
    ? `${verdict.reason}${verdict.pFake !== null && !verdict.reason.includes('p(fake)') ? ` · p(fake) ${verdict.pFake.toFixed(2)}` : ''}${verdict.epistemic !== null ? ` · epistemic ${verdict.epistemic.toFixed(3)} nats` : ''}`
    : '';
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

export function renderReport(box, report, href) {
  const s = report.summary;
  const rows = Object.entries(report.detectors).map(([name, d]) =>
    el(
      'tr',
      {},
      el('td', {}, name),
      el('td', {}, d.pFake === null ? '—' : d.pFake.toFixed(2)),
      el('td', {}, d.uncertainty ? d.uncertainty.epistemic.toFixed(3) : '—'),
      el('td', {}, String(d.okFrames)),
      el('td', {}, s.policy && s.policy.weights && name in s.policy.weights ? s.policy.weights[name].toFixed(2) : '—'),
    ),
  );
  box.replaceChildren(
    el('p', {}, el('span', { class: `badge ${s.verdict}` }, s.verdict), ' ', s.reason),
    el('p', { class: 'muted' }, `${s.frames} frames · faces on ${s.framesWithFaces} · ${s.tracks} track(s) · ${report.analysis.complete ? 'complete' : 'partial'}`),
    ...(s.attribution
      ? [el('p', { id: 'attribution' }, `Likely source: ${s.attribution.top}`, ` (p ${Math.max(...s.attribution.probabilities).toFixed(2)}, entropy ${s.attribution.entropy.toFixed(2)} nats; best known: ${s.attribution.best})`)]
      : []),
    ...(s.policy && s.policy.source ? [el('p', { class: 'muted' }, `Verdict thresholds: ${s.policy.source}`)] : []),
    rows.length
      ? el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'detector'), el('th', {}, 'p(fake)'), el('th', {}, 'epistemic'), el('th', {}, 'frames'), el('th', { title: 'fusion weight (fitted by fakescope calibrate)' }, 'weight'))), el('tbody', {}, ...rows))
      : el('p', { class: 'muted' }, 'No detector is configured on this server.'),
    el('p', {}, el('a', { href, download: '' }, 'Download the JSON report')),
  );
}
