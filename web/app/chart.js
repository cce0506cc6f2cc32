/* global window */
/**
 * The timeline: p(fake) per detector over media time, with a ±1 std band from the MC samples,
 * epistemic-spike segments shaded red, and the number of faces as a grey step line at the bottom.
 * Canvas 2D, redrawn at most once per animation frame. Series are bounded (oldest points thinned)
 * so a long stream does not grow the page's memory without limit.
 */
const COLOURS = ['#2b59c3', '#c2352b', '#1f8a4c', '#8a4fc2', '#d9822b', '#17a2b8'];
const MAX_POINTS = 4000;

export class Timeline {
  constructor(canvas, legend) {
    this.canvas = canvas;
    this.legend = legend;
    this.reset();
  }

  reset() {
    this.series = new Map(); // detector -> [{t, p, std}]
    this.faces = []; // [{t, n}]
    this.spikes = new Map(); // alert id -> {start, end}
    this.tMax = 0;
    this.schedule();
  }

  addFrame(frame) {
    const t = frame.ptsMs / 1000;
    this.tMax = Math.max(this.tMax, t);
    push(this.faces, { t, n: frame.faces.length });
    const perDetector = new Map();
    for (const face of frame.faces) {
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

  addAlert(alert) {
    const fps = 1000;
    this.spikes.set(alert.id, { start: alert.startPtsMs / fps, end: alert.endPtsMs === null ? null : alert.endPtsMs / fps });
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
    const pad = { l: 40, r: 12, t: 10, b: 24 };
    const pw = w - pad.l - pad.r;
    const ph = h - pad.t - pad.b;
    const span = Math.max(this.tMax, 1);
    const x = (t) => pad.l + (t / span) * pw;
    const y = (p) => pad.t + (1 - p) * ph;
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#687083';
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
    g.fillStyle = 'rgba(194, 53, 43, 0.15)';
    for (const s of this.spikes.values()) {
      const x0 = x(s.start);
      const x1 = Math.max(x0 + 2, x(s.end ?? this.tMax));
      g.fillRect(x0, pad.t, x1 - x0, ph);
    }
    const maxFaces = Math.max(1, ...this.faces.map((f) => f.n));
    g.strokeStyle = '#b6bcc9';
    g.beginPath();
    this.faces.forEach((f, i) => {
      const yy = pad.t + ph - (f.n / maxFaces) * ph * 0.2;
      if (i === 0) g.moveTo(x(f.t), yy);
      else g.lineTo(x(f.t), yy);
    });
    g.stroke();
    let i = 0;
    const legend = [];
    for (const [name, pts] of this.series) {
      const colour = COLOURS[i++ % COLOURS.length];
      legend.push([name, colour]);
      g.fillStyle = `${colour}33`;
      g.beginPath();
      pts.forEach((p, k) => (k === 0 ? g.moveTo(x(p.t), y(Math.min(1, p.p + p.std))) : g.lineTo(x(p.t), y(Math.min(1, p.p + p.std)))));
      for (let k = pts.length - 1; k >= 0; k--) g.lineTo(x(pts[k].t), y(Math.max(0, pts[k].p - pts[k].std)));
      g.closePath();
      g.fill();
      g.strokeStyle = colour;
      g.lineWidth = 1.6;
      g.beginPath();
      pts.forEach((p, k) => (k === 0 ? g.moveTo(x(p.t), y(p.p)) : g.lineTo(x(p.t), y(p.p))));
      g.stroke();
    }
    if (this.series.size === 0) {
      g.fillStyle = '#687083';
      g.font = '13px system-ui, sans-serif';
      g.fillText(this.faces.length ? 'no detector answer yet (grey: faces per frame)' : 'waiting for frames…', pad.l + 10, pad.t + 20);
    }
    this.legend.replaceChildren(
      ...legend.map(([name, colour]) => item(name, colour)),
      item('faces per frame', '#b6bcc9'),
      ...(this.spikes.size ? [item('epistemic spike', 'rgba(194,53,43,0.4)')] : []),
    );
    c.dataset.points = String(this.faces.length);
  }
}

function item(name, colour) {
  const span = window.document.createElement('span');
  const i = window.document.createElement('i');
  i.style.background = colour;
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
