/* global window */
/**
 * The timeline: per face, the track's fused score so far (thick; the number of its overlay label
 * and face card), per detector the per-frame p(fake) (thin, with a ±1 std band from the MC
 * samples), the verdict threshold as a dashed line, epistemic-spike segments shaded, and the
 * number of faces per frame on its own strip and axis below, and the stretches where a live source
 * dropped and nothing was analysed (grey, over plot and strip). Colour roles do not clash: red is
 * only the spike shading, grey only the source gaps, detectors are blues/purples/teal, faces are
 * dark greys/greens.
 * Canvas 2D, redrawn at most once per animation frame. Series are bounded (oldest points thinned)
 * so a long stream does not grow the page's memory without limit.
 */
const COLOURS = ['#2b59c3', '#8a4fc2', '#17a2b8', '#5c6b82', '#4f7cff', '#a05cc2'];
const FACE_COLOURS = ['#1d2330', '#0f766e', '#7c5800', '#4b5563'];
const SPIKE = 'rgba(194, 53, 43, 0.16)';
const GAP = 'rgba(91, 98, 117, 0.28)';
const FACES = '#8a909c';
const MAX_POINTS = 4000;

export class Timeline {
  constructor(canvas, legend) {
    this.canvas = canvas;
    this.legend = legend;
    this.reset();
  }

  reset() {
    this.series = new Map(); // detector -> [{t, p, std}]
    this.tracks = new Map(); // track id -> [{t, p}] (the track verdict's p(fake) so far)
    this.faces = []; // [{t, n}]
    this.threshold = null;
    this.spikes = new Map(); // alert id -> {start, end}
    this.gaps = new Map(); // gap start (ms) -> {start, end} (seconds; end null while reconnecting)
    this.tMax = 0;
    this.schedule();
  }

  addFrame(frame) {
    const t = frame.ptsMs / 1000;
    this.tMax = Math.max(this.tMax, t);
    push(this.faces, { t, n: frame.faces.length });
    const perDetector = new Map();
    for (const face of frame.faces) {
      if (face.verdict && face.verdict.pFake !== null) {
        if (!this.tracks.has(face.trackId)) this.tracks.set(face.trackId, []);
        push(this.tracks.get(face.trackId), { t, p: face.verdict.pFake });
      }
      for (const [name, d] of Object.entries(face.detectors)) {
        if (d.state !== 'ok' || d.pFake === null) continue;
        const list = perDetector.get(name) ?? [];
        list.push({ p: d.pFake, std: d.uncertainty ? d.uncertainty.std : 0 });
        perDetector.set(name, list);
      }
    }
    for (const [name, list] of perDetector) {
      const p = list.reduce((a, b) => a + b.p, 0) / list.length;
      const std = list.reduce((a, b) => a + b.std, 0) / list.length;
      if (!this.series.has(name)) this.series.set(name, []);
      push(this.series.get(name), { t, p, std });
    }
    this.schedule();
  }

  setThreshold(p) {
    if (this.threshold === p) return;
    this.threshold = p;
    this.schedule();
  }

  addAlert(alert) {
    const fps = 1000;
    this.spikes.set(alert.id, { start: alert.startPtsMs / fps, end: alert.endPtsMs === null ? null : alert.endPtsMs / fps });
    this.schedule();
  }

  /** A live source dropped (`phase: 'start'`) or came back (`'end'`): shaded grey over the gap. */
  addSourceGap(gap) {
    this.gaps.set(gap.startPtsMs, { start: gap.startPtsMs / 1000, end: gap.endPtsMs === null ? null : gap.endPtsMs / 1000 });
    this.schedule();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    window.requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  draw() {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (c.width !== Math.round(w * dpr)) c.width = Math.round(w * dpr);
    if (c.height !== Math.round(h * dpr)) c.height = Math.round(h * dpr);
    const g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    // Main plot on top; the faces-per-frame strip (its own axis) below it.
    const strip = 34;
    const pad = { l: 44, r: 12, t: 10, b: 24 + strip + 8 };
    const pw = w - pad.l - pad.r;
    const ph = h - pad.t - pad.b;
    const span = Math.max(this.tMax, 1);
    const x = (t) => pad.l + (t / span) * pw;
    const y = (p) => pad.t + (1 - p) * ph;
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#5b6275';
    g.strokeStyle = '#e6e8ee';
    g.lineWidth = 1;
    for (const p of [0, 0.25, 0.5, 0.75, 1]) {
      g.beginPath();
      g.moveTo(pad.l, y(p));
      g.lineTo(w - pad.r, y(p));
      g.stroke();
      g.fillText(p.toFixed(2), 6, y(p) + 4);
    }
    const step = niceStep(span);
    for (let t = 0; t <= span + 1e-9; t += step) g.fillText(`${t.toFixed(step < 1 ? 1 : 0)} s`, x(t) - 10, h - 6);
    g.fillStyle = SPIKE;
    for (const s of this.spikes.values()) {
      const x0 = x(s.start);
      const x1 = Math.max(x0 + 2, x(s.end ?? this.tMax));
      g.fillRect(x0, pad.t, x1 - x0, ph);
    }
    g.fillStyle = GAP;
    for (const s of this.gaps.values()) {
      const x0 = x(s.start);
      const x1 = Math.max(x0 + 3, x(s.end ?? this.tMax));
      g.fillRect(x0, pad.t, x1 - x0, ph + 8 + strip);
    }
    if (this.threshold !== null) {
      g.save();
      g.setLineDash([6, 4]);
      g.strokeStyle = '#1d2330';
      g.lineWidth = 1.2;
      g.beginPath();
      g.moveTo(pad.l, y(this.threshold));
      g.lineTo(w - pad.r, y(this.threshold));
      g.stroke();
      g.restore();
      g.fillStyle = '#1d2330';
      g.fillText(`verdict line ${this.threshold.toFixed(2)}`, w - pad.r - 110, y(this.threshold) - 4);
    }
    // Faces per frame: its own strip and axis (0 … max), a step line.
    const sTop = pad.t + ph + 8;
    const maxFaces = Math.max(1, ...this.faces.map((f) => f.n));
    g.strokeStyle = '#e6e8ee';
    g.strokeRect(pad.l, sTop, pw, strip);
    g.fillStyle = '#5b6275';
    g.fillText('faces', 6, sTop + 12);
    g.fillText(`0–${maxFaces}`, 6, sTop + 26);
    g.strokeStyle = FACES;
    g.lineWidth = 1.4;
    g.beginPath();
    this.faces.forEach((f, i) => {
      const yy = sTop + strip - 3 - (f.n / maxFaces) * (strip - 6);
      if (i === 0) g.moveTo(x(f.t), yy);
      else g.lineTo(x(f.t), yy);
    });
    g.stroke();
    let i = 0;
    const legend = [];
    for (const [name, pts] of this.series) {
      const colour = COLOURS[i++ % COLOURS.length];
      legend.push([name, colour, 'line']);
      g.fillStyle = `${colour}26`;
      g.beginPath();
      pts.forEach((p, k) => (k === 0 ? g.moveTo(x(p.t), y(Math.min(1, p.p + p.std))) : g.lineTo(x(p.t), y(Math.min(1, p.p + p.std)))));
      for (let k = pts.length - 1; k >= 0; k--) g.lineTo(x(pts[k].t), y(Math.max(0, pts[k].p - pts[k].std)));
      g.closePath();
      g.fill();
      g.strokeStyle = colour;
      g.lineWidth = 1.2;
      g.beginPath();
      pts.forEach((p, k) => (k === 0 ? g.moveTo(x(p.t), y(p.p)) : g.lineTo(x(p.t), y(p.p))));
      g.stroke();
    }
    let j = 0;
    for (const [id, pts] of this.tracks) {
      const colour = FACE_COLOURS[j++ % FACE_COLOURS.length];
      legend.push([`face #${id} (verdict score)`, colour, 'thick']);
      g.strokeStyle = colour;
      g.lineWidth = 3;
      g.beginPath();
      pts.forEach((p, k) => (k === 0 ? g.moveTo(x(p.t), y(p.p)) : g.lineTo(x(p.t), y(p.p))));
      g.stroke();
    }
    if (this.series.size === 0) {
      g.fillStyle = '#5b6275';
      g.font = '13px system-ui, sans-serif';
      g.fillText(this.faces.length ? 'no detector answer yet' : 'waiting for frames…', pad.l + 10, pad.t + 20);
    }
    this.legend.replaceChildren(
      ...legend.map(([name, colour, kind]) => item(name, colour, kind)),
      ...(this.threshold !== null ? [item('verdict line', '#1d2330', 'dashed')] : []),
      item('faces per frame (strip)', FACES, 'line'),
      ...(this.spikes.size ? [item('epistemic spike (shaded)', SPIKE, 'block')] : []),
      ...(this.gaps.size ? [item('source dropped: not analysed (grey)', GAP, 'block')] : []),
    );
    const last = [...this.tracks.entries()].map(([id, pts]) => `face #${id} ${pts.at(-1).p.toFixed(2)}`).join(', ');
    c.setAttribute('aria-label', `timeline over ${this.tMax.toFixed(1)} s: ${last || 'no face score yet'}${this.threshold !== null ? `; verdict line ${this.threshold.toFixed(2)}` : ''}; ${this.spikes.size} epistemic spike(s)${this.gaps.size ? `; ${this.gaps.size} source gap(s)` : ''}`);
    c.dataset.points = String(this.faces.length);
  }
}

function item(name, colour, kind) {
  const span = window.document.createElement('span');
  const i = window.document.createElement('i');
  if (kind === 'dashed') i.style.borderTop = `2px dashed ${colour}`;
  else i.style.background = colour;
  if (kind === 'thick') i.style.height = '5px';
  if (kind === 'block') i.style.height = '10px';
  span.append(i, name);
  return span;
}

function push(list, point) {
  list.push(point);
  if (list.length > MAX_POINTS) {
    // Thin the older half: keep every other point.
    const half = list.length >> 1;
    const thinned = list.slice(0, half).filter((_, k) => k % 2 === 0);
    list.splice(0, half, ...thinned);
  }
}

function niceStep(span) {
  const raw = span / 8;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (raw <= m * pow) return m * pow;
  return 10 * pow;
}
