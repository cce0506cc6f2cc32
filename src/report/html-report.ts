import type { Report } from '../pipeline/report-schema.js';
import { FACE_REGIONS, REGION_NAMES, escapeXml as esc, faceDiagramSvg } from './face-diagram.js';
import type { HumanReport } from './human-report.js';
import { formatPercent, sourceInWords } from '../pipeline/plain-language.js';
import { NO_CONFIDENCE_FLOOR } from '../pipeline/verdict.js';

/**
 * The printable report of one analysis: a self-contained HTML page (no scripts, no network; images
 * inline) with the answer in words first and the technical figures folded away. Pure: the
 * report, its human form and the thumbnails in, a string out.
 */
export interface Thumbnail {
  readonly seq: number;
  readonly ptsMs: number;
  /** `data:image/jpeg;base64,…` */
  readonly dataUri: string;
}

const COLOURS = { fake: '#b3261e', real: '#1e7b3c', uncertain: '#8a5a00' } as const;

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function renderHtmlReport(h: HumanReport, r: Report, thumbnails: readonly Thumbnail[] = []): string {
  const colour = COLOURS[h.verdict];
  const confidence = h.plain.confidence.level === 'none' ? '' : `${h.plain.confidence.words} · `;
  const score = h.pFake === null ? 'no score' : `score ${formatPercent(h.pFake)} likely manipulated (line at ${formatPercent(h.threshold)})`;
  const faces = h.faces.length
    ? `<ul>${h.faces.map((f) => `<li><b>Face #${f.trackId}</b>${h.still ? '' : ` (${secs(f.startMs)}–${secs(f.endMs)})`}: <span style="color:${COLOURS[f.verdict]}">${esc(f.headline)}</span>${f.pFake === null ? '' : ` — ${formatPercent(f.pFake)}`}</li>`).join('')}</ul>`
    : '<p>No face was found.</p>';
  const thumbBySeq = new Map(thumbnails.map((t) => [t.seq, t]));
  const moments = h.moments.length
    ? `<ol class="moments">${h.moments
        .map((m) => {
          const t = thumbBySeq.get(m.peakSeq);
          const img = t ? `<img src="${t.dataUri}" alt="frame at ${secs(t.ptsMs)} with the face boxes">` : '';
          return `<li>${img}<span>${secs(m.startMs)}–${secs(m.endMs)}: score ${formatPercent(m.score)} (face ${m.trackIds.map((id) => `#${id}`).join(', ')})</span></li>`;
        })
        .join('')}</ol>`
    : `<p>${h.still ? 'A photo has no timeline.' : 'No per-frame scores in this report.'}</p>${thumbnails.length ? `<div class="moments">${thumbnails.map((t) => `<img src="${t.dataUri}" alt="analysed picture with the face boxes">`).join('')}</div>` : ''}`;
  const regions = h.regions
    ? `<div class="regions">${faceDiagramSvg(h.regions.scores, 'score per face region')}<div><p>${esc(h.regions.caption)}</p><table class="region-table"><thead><tr><th>region</th><th>region score</th></tr></thead>${[
        ...FACE_REGIONS,
      ]
        .sort((a, b) => (h.regions!.scores[b] ?? -1) - (h.regions!.scores[a] ?? -1))
        .map((k) => `<tr><td>${REGION_NAMES[k]}</td><td>${h.regions!.scores[k] === null ? '—' : formatPercent(h.regions!.scores[k] as number)}</td></tr>`)
        .join('')}</table></div></div>`
    : '<p>No detector mapped face regions.</p>';
  const votes = `<table><thead><tr><th>detector</th><th>score</th><th>counts</th><th>relation to the verdict</th></tr></thead><tbody>${h.detectors
    .map((d) => `<tr><td>${esc(d.name)}</td><td>${d.pFake === null ? '—' : formatPercent(d.pFake)}</td><td>${d.weight > 0 ? `weight ${d.weight.toFixed(2)}` : 'weight 0'}</td><td>${d.stance}</td></tr>`)
    .join('')}</tbody></table>`;
  const s = r.summary;
  const technical = [
    `verdict ${s.verdict} (${s.why}): ${s.reason}`,
    s.uncertainty
      ? `fused p(fake) ${(s.pFake ?? s.uncertainty.mean).toFixed(3)}${s.policy.calibration ? ` (detectors' mixture mean ${s.uncertainty.mean.toFixed(3)}, through the calibration map)` : ''} ± ${s.uncertainty.std.toFixed(3)}, aleatoric ${s.uncertainty.aleatoric.toFixed(3)}, epistemic ${s.uncertainty.epistemic.toFixed(3)} nats, ${s.uncertainty.samples} samples, ${s.evidenceFrames} face-frames`
      : 'no fused score',
    `policy: threshold ${s.policy.decisionThreshold}, margin ${s.policy.margin}, max epistemic ${s.policy.maxEpistemic}, max disagreement ${s.policy.maxDisagreement}, min face-frames ${s.policy.minEvidenceFrames}, min confidence ${s.policy.minConfidence ?? NO_CONFIDENCE_FLOOR}${s.policy.calibration ? `, fused p(fake) = σ(${s.policy.calibration.a} · logit(mean) + ${s.policy.calibration.b})` : ''}`,
    ...(s.policy.source ? [`thresholds: ${s.policy.source}`] : []),
    ...(s.attribution ? [`${sourceInWords(s.attribution)}; classifier entropy ${s.attribution.entropy.toFixed(2)} nats`] : []),
    `input: ${r.input.media.displayWidth}×${r.input.media.displayHeight} ${r.input.media.codec}${h.still ? ' (photo)' : `, ${secs(s.durationMs)}`}; analysed ${s.frames} frames at ${r.analysis.width}×${r.analysis.height}; fakescope ${r.tool.version}, ${r.analysis.finishedAt}`,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fakescope report — ${esc(h.source)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;color:#1d2230;max-width:52rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.7rem;margin:.2rem 0;color:${colour}} h2{font-size:1.1rem;margin:1.4rem 0 .4rem;border-bottom:1px solid #dde1e8}
.muted{color:#5b616d} table{border-collapse:collapse} td,th{padding:.2rem .6rem;border-bottom:1px solid #e6e8ee;text-align:left}
.moments{display:flex;flex-wrap:wrap;gap:.8rem;list-style:none;padding:0} .moments li{display:flex;flex-direction:column;gap:.2rem;max-width:15rem}
.moments img{max-width:15rem;border:1px solid #cfd3da} .regions{display:flex;gap:1.5rem;align-items:flex-start} .regions svg{flex:none}
details{margin-top:1rem} code{font-size:.9em} @media print{details{display:block} details>summary{display:none} body{margin:0}}
</style></head><body>
<p class="muted">fakescope report · ${esc(h.source)}${h.complete ? '' : ' · <b>partial: the analysis stopped before the end</b>'}</p>
<h1 id="headline">${esc(h.plain.headline)}</h1>
<p><b>${esc(confidence)}${esc(score)}</b></p>
<p id="explanation">${esc(h.plain.explanation)}</p>
<h2>What to do next</h2><ul>${h.plain.nextSteps.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>
<h2>Faces</h2>${faces}
<h2>${h.still ? 'The picture' : 'The moments that drove it'}</h2>${moments}
<h2>Where on the face</h2>${regions}
<h2>Detectors</h2>${votes}
<details><summary>Technical details</summary><ul>${technical.map((t) => `<li><code>${esc(t)}</code></li>`).join('')}</ul></details>
<p class="muted">The detectors are experimental and can be wrong; a verdict is a lead to check, not proof.</p>
</body></html>
`;
}
