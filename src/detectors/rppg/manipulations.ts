/**
 * Trace-level manipulations that break a real face's pulse the way face generators do, for the
 * rPPG classifier's "fake" training windows (scripts/rppg-dataset.ts). They act on the per-frame
 * cell colours of a real clip's trace (the mean skin colour of each of the 32 face cells), not on
 * pixels:
 * - a cell's mean colour is linear in its pixels, so replacing or blending whole frames is exact at
 *   trace level (up to which pixels pass the skin test);
 * - texture and skin re-synthesis are modelled by what they do to each cell's time series (low-pass,
 *   independent perturbations, synthetic periodic shading).
 * The pooled 'face' region moves with the cells exactly (it is the skin-point-weighted mean of the
 * cells); the named patches (forehead, cheeks, mid-face) follow the mean change of the cells they
 * overlap, an approximation, which is why the classifier does not read patch features.
 *
 * All randomness comes from the seeded PRNG passed in: the same seed gives the same fake.
 *
 * Training-data code, not used at analysis time: it lives beside the detector whose region layout
 * and samples it works on, and is used by scripts/rppg-dataset.ts and its tests.
 */
import { compileRegionLayout, REGION_NAMES } from './layout.js';
import type { CompiledRegionLayout, Rect } from './layout.js';
import type { RegionSample } from './regions.js';
import type { Prng } from '../mc/prng.js';

export interface TraceLike {
  readonly ptsMs: readonly number[];
  readonly samples: readonly (RegionSample | null)[];
}

export const FAKE_MANIPULATIONS = ['frame-replace', 'frame-blend', 'incoherent-texture', 'smoothed-skin', 'resynth-pulse'] as const;
export type FakeManipulation = (typeof FAKE_MANIPULATIONS)[number];
/** Real-class trace transform: a simulated low-SNR camera (the real pulse attenuated under sensor noise). */
export const REAL_MANIPULATIONS = ['noise-floor'] as const;
export type RealManipulation = (typeof REAL_MANIPULATIONS)[number];
export type Manipulation = FakeManipulation | RealManipulation;

/** Relative pulsatile strength of R, G, B in skin (de Haan & van Leest 2014). */
const SKIN_SIGNATURE = [0.33 / 0.77, 1, 0.53 / 0.77] as const;

const uniform = (rng: Prng, a: number, b: number): number => a + (b - a) * rng.uniform();

/** Frame rate of a trace from its median frame interval. */
export function traceFps(ptsMs: readonly number[]): number {
  const d = ptsMs.slice(1).map((t, i) => t - (ptsMs[i] as number)).sort((a, b) => a - b);
  const mid = d[Math.floor(d.length / 2)];
  return mid && mid > 0 ? 1000 / mid : 30;
}

/** Series view of a trace: one Float64Array per (cell, channel) over frames, NaN when missing. */
interface Series {
  readonly n: number;
  readonly cells: number;
  /** [cell * 3 + channel][frame] */
  readonly cell: Float64Array[];
  /** Pooled face, per channel. */
  readonly face: Float64Array[];
}

function toSeries(t: TraceLike): Series {
  const n = t.samples.length;
  const first = t.samples.find((s) => s !== null);
  const cells = first ? first.cellSkin.length : 32;
  const cell = Array.from({ length: cells * 3 }, () => new Float64Array(n).fill(NaN));
  const face = Array.from({ length: 3 }, () => new Float64Array(n).fill(NaN));
  t.samples.forEach((s, i) => {
    if (!s) return;
    for (let k = 0; k < cells * 3; k++) (cell[k] as Float64Array)[i] = s.cellRgb[k] as number;
    for (let c = 0; c < 3; c++) (face[c] as Float64Array)[i] = s.regionRgb[c] as number;
  });
  return { n, cells, cell, face };
}

/** Linear interpolation over NaN runs, holding the end values; all-NaN stays all-NaN. */
function filled(x: Float64Array): Float64Array {
  const y = Float64Array.from(x);
  let prev = -1;
  for (let i = 0; i <= y.length; i++) {
    if (i < y.length && Number.isNaN(y[i] as number)) continue;
    for (let k = prev + 1; k < i; k++) {
      if (prev < 0 && i < y.length) y[k] = y[i] as number;
      else if (prev >= 0 && i === y.length) y[k] = y[prev] as number;
      else if (prev >= 0) y[k] = (y[prev] as number) + (((y[i] as number) - (y[prev] as number)) * (k - prev)) / (i - prev);
    }
    prev = i;
  }
  return y;
}

/**
 * Zero-phase low-pass: a one-pole smoother run forward and backward, twice (≈ 4th-order
 * roll-off, −3 dB near fc·0.6). NaN samples are bridged for filtering and stay NaN in the output.
 */
export function lowpass(x: Float64Array, fs: number, fcHz: number): Float64Array {
  const y = filled(x);
  if (y.length === 0 || Number.isNaN(y[0] as number)) return Float64Array.from(x);
  const a = Math.exp((-2 * Math.PI * fcHz) / fs);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 1; i < y.length; i++) y[i] = a * (y[i - 1] as number) + (1 - a) * (y[i] as number);
    for (let i = y.length - 2; i >= 0; i--) y[i] = a * (y[i + 1] as number) + (1 - a) * (y[i] as number);
  }
  for (let i = 0; i < y.length; i++) if (Number.isNaN(x[i] as number)) y[i] = NaN;
  return y;
}

function nanMean(x: Float64Array): number {
  let s = 0;
  let n = 0;
  for (const v of x) {
    if (Number.isNaN(v)) continue;
    s += v;
    n++;
  }
  return n ? s / n : NaN;
}

function nanStd(x: Float64Array): number {
  const m = nanMean(x);
  let s = 0;
  let n = 0;
  for (const v of x) {
    if (Number.isNaN(v)) continue;
    s += (v - m) ** 2;
    n++;
  }
  return n ? Math.sqrt(s / n) : NaN;
}

/** Unit-variance AR(1) noise with coefficient rho. */
function ar1(rng: Prng, n: number, rho: number): Float64Array {
  const out = new Float64Array(n);
  const innov = Math.sqrt(1 - rho * rho);
  let v = rng.normal();
  for (let i = 0; i < n; i++) {
    out[i] = v;
    v = rho * v + innov * rng.normal();
  }
  return out;
}

/** Unit-variance noise low-passed below fcHz. */
function slowNoise(rng: Prng, n: number, fs: number, fcHz: number): Float64Array {
  const w = Float64Array.from({ length: n }, () => rng.normal());
  const s = lowpass(w, fs, fcHz);
  const sd = nanStd(s) || 1;
  const m = nanMean(s);
  return s.map((v) => (v - m) / sd);
}

/** Geometry shared by the manipulations: points per cell, cell centres, patch overlaps. */
interface Geometry {
  readonly points: Float64Array;
  /** Normalised distance of each cell centre from the grid centre, [0, 1]. */
  readonly radius: Float64Array;
  /** Per patch (REGION_NAMES[p + 1]), overlap area of each cell with it. */
  readonly patchOverlap: Float64Array[];
}

function overlapArea(a: Rect, b: Rect): number {
  return Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
}

function geometry(layout: CompiledRegionLayout): Geometry {
  const { rect, cols, rows } = layout.layout.grid;
  const cells = cols * rows;
  const points = Float64Array.from({ length: cells }, (_, c) => (layout.cellStart[c + 1] as number) - (layout.cellStart[c] as number));
  const cw = (rect.x1 - rect.x0) / cols;
  const ch = (rect.y1 - rect.y0) / rows;
  const cellRect = (c: number): Rect => {
    const r = Math.floor(c / cols);
    const k = c % cols;
    return { x0: rect.x0 + k * cw, y0: rect.y0 + r * ch, x1: rect.x0 + (k + 1) * cw, y1: rect.y0 + (r + 1) * ch };
  };
  const radius = Float64Array.from({ length: cells }, (_, c) => {
    const r = cellRect(c);
    const u = ((r.x0 + r.x1) / 2 - (rect.x0 + rect.x1) / 2) / ((rect.x1 - rect.x0) / 2);
    const v = ((r.y0 + r.y1) / 2 - (rect.y0 + rect.y1) / 2) / ((rect.y1 - rect.y0) / 2);
    return Math.min(1, Math.hypot(u, v) / Math.SQRT2);
  });
  const patchNames = REGION_NAMES.slice(1) as Exclude<(typeof REGION_NAMES)[number], 'face'>[];
  const patchOverlap = patchNames.map((p) => Float64Array.from({ length: cells }, (_, c) => overlapArea(cellRect(c), layout.layout.patches[p])));
  return { points, radius, patchOverlap };
}

const GEOMETRY = geometry(compileRegionLayout());

/**
 * Writes new cell series back into samples: cells take the new values (NaN where the original
 * cell was missing), the pooled face moves by the skin-point-weighted mean change of the cells and
 * each patch by the overlap-weighted mean change of its cells.
 */
function rebuild(t: TraceLike, cellNew: Float64Array[]): (RegionSample | null)[] {
  const g = GEOMETRY;
  return t.samples.map((s, i) => {
    if (!s) return null;
    const cells = s.cellSkin.length;
    const cellRgb = new Float32Array(cells * 3);
    const delta = new Float64Array(cells * 3).fill(NaN);
    for (let k = 0; k < cells * 3; k++) {
      const old = s.cellRgb[k] as number;
      const v = (cellNew[k] as Float64Array)[i] as number;
      if (Number.isNaN(old) || !Number.isFinite(v)) {
        cellRgb[k] = NaN;
        continue;
      }
      cellRgb[k] = v;
      delta[k] = v - old;
    }
    const regionRgb = Float32Array.from(s.regionRgb);
    const weightedShift = (weight: (c: number) => number, total: number, slot: number): void => {
      if (!(total > 0)) return;
      for (let ch = 0; ch < 3; ch++) {
        let shift = 0;
        for (let c = 0; c < cells; c++) {
          const d = delta[c * 3 + ch] as number;
          if (!Number.isNaN(d)) shift += weight(c) * d;
        }
        regionRgb[slot * 3 + ch] = (regionRgb[slot * 3 + ch] as number) + shift / total;
      }
    };
    // Face: every skin point of the grid counts, so the denominator includes cells that are
    // missing (below the skin threshold) but still contributed points; their change is zero.
    let skinPoints = 0;
    for (let c = 0; c < cells; c++) skinPoints += (s.cellSkin[c] as number) * (g.points[c] as number);
    weightedShift((c) => (s.cellSkin[c] as number) * (g.points[c] as number), skinPoints, 0);
    g.patchOverlap.forEach((overlap, p) => {
      let total = 0;
      for (let c = 0; c < cells; c++) if (!Number.isNaN(delta[c * 3] as number)) total += overlap[c] as number;
      weightedShift((c) => overlap[c] as number, total, p + 1);
    });
    return { ...s, cellRgb, regionRgb };
  });
}

/** Per-channel illumination of the face relative to its clip mean (slow part only). */
function illumination(series: Series, fs: number): Float64Array[] {
  return series.face.map((f) => {
    const m = nanMean(f);
    return lowpass(f, fs, 0.3).map((v) => (Number.isNaN(v) ? 1 : v / m));
  });
}

/**
 * A donor clip's cells played on the target's frames at donor frames `index[i]`, colour-matched
 * per cell (each cell's clip mean scaled to the target's) and relit with the target's slow
 * illumination: a different face (its own pulse, if any, at its own rate) rendered in the
 * target's place and light.
 */
function donorOnTarget(target: Series, targetFs: number, donorTrace: TraceLike, index: (i: number) => number): Float64Array[] {
  const donor = toSeries(donorTrace);
  const donorFs = traceFps(donorTrace.ptsMs);
  const lt = illumination(target, targetFs);
  const ld = illumination(donor, donorFs);
  const out: Float64Array[] = [];
  for (let k = 0; k < target.cells * 3; k++) {
    const ch = k % 3;
    const tc = target.cell[k] as Float64Array;
    const dc = filled(donor.cell[k] as Float64Array);
    const ratio = nanMean(tc) / nanMean(dc);
    const o = new Float64Array(target.n);
    for (let i = 0; i < target.n; i++) {
      const d = index(i);
      o[i] = ((dc[d] as number) * ratio * ((lt[ch] as Float64Array)[i] as number)) / ((ld[ch] as Float64Array)[d] as number);
    }
    out.push(o);
  }
  return out;
}

/** Donor frames that have a sample. */
function presentFrames(t: TraceLike): number[] {
  const out: number[] = [];
  t.samples.forEach((s, i) => {
    if (s) out.push(i);
  });
  return out;
}

interface Texture {
  /** Everything above fc is the in-band content that is replaced. */
  readonly fc: number;
  /** Perturbation std relative to the std of the replaced content. */
  readonly gain: number;
  /** AR(1) coefficient of the perturbations (temporal smoothness). */
  readonly rho: number;
}

function drawTexture(rng: Prng): Texture {
  return { fc: uniform(rng, 0.3, 0.6), gain: uniform(rng, 0.5, 2), rho: uniform(rng, 0, 0.9) };
}

/**
 * Slow part of every cell + `keep` × its in-band content + perturbations independent per cell:
 * a luminance part shared by the cell's three channels and a smaller colour part per channel,
 * each AR(1) with coefficient rho, scaled to `gain` × the std of the cell's in-band content.
 */
function applyTexture(s: Series, fs: number, tex: Texture, keep: number, rng: Prng): Float64Array[] {
  const out: Float64Array[] = [];
  for (let c = 0; c < s.cells; c++) {
    const lum = ar1(rng, s.n, tex.rho);
    for (let ch = 0; ch < 3; ch++) {
      const x = s.cell[c * 3 + ch] as Float64Array;
      const base = lowpass(x, fs, tex.fc);
      const band = x.map((v, i) => v - (base[i] as number));
      const sd = nanStd(band);
      const own = ar1(rng, s.n, tex.rho);
      out.push(base.map((b, i) => b + keep * (band[i] as number) + tex.gain * sd * (0.8 * (lum[i] as number) + 0.6 * (own[i] as number))));
    }
  }
  return out;
}

export interface ManipulationContext {
  readonly rng: Prng;
  /** Another real clip (same data split) for the replacement and blending manipulations. */
  readonly donor: TraceLike;
}

export interface ManipulationResult {
  readonly samples: (RegionSample | null)[];
  /** The drawn parameters, for the dataset index. */
  readonly params: Readonly<Record<string, number>>;
}

/** Applies one manipulation to a real trace. */
export function manipulate(kind: Manipulation, t: TraceLike, ctx: ManipulationContext): ManipulationResult {
  const { rng } = ctx;
  const s = toSeries(t);
  const fs = traceFps(t.ptsMs);
  switch (kind) {
    case 'frame-replace': {
      // Per-frame face replacement: donor frames in order, jumping to a random donor frame with
      // probability `jump` per frame (a per-frame generator has no memory of the last frame).
      const frames = presentFrames(ctx.donor);
      const jump = uniform(rng, 0.02, 0.3);
      let p = Math.floor(rng.uniform() * frames.length);
      const idx = Array.from({ length: s.n }, () => {
        p = rng.uniform() < jump ? Math.floor(rng.uniform() * frames.length) : (p + 1) % frames.length;
        return frames[p] as number;
      });
      return { samples: rebuild(t, donorOnTarget(s, fs, ctx.donor, (i) => idx[i] as number)), params: { jump } };
    }
    case 'frame-blend': {
      // A swapped face blended into the target frame: the donor dominates the centre of the face,
      // the target shows through towards the outline, and the blend weight flickers per frame.
      const frames = presentFrames(ctx.donor);
      const start = Math.floor(rng.uniform() * frames.length);
      const donorCells = donorOnTarget(s, fs, ctx.donor, (i) => frames[(start + i) % frames.length] as number);
      const alpha0 = uniform(rng, 0.5, 1);
      const flicker = uniform(rng, 0, 0.15);
      const e = ar1(rng, s.n, 0.9);
      const out = s.cell.map((target, k) => {
        const c = Math.floor(k / 3);
        const base = alpha0 * (1 - 0.6 * (GEOMETRY.radius[c] as number));
        const d = donorCells[k] as Float64Array;
        return target.map((v, i) => {
          const a = Math.min(1, Math.max(0, base * (1 + flicker * (e[i] as number))));
          return a * (d[i] as number) + (1 - a) * v;
        });
      });
      return { samples: rebuild(t, out), params: { alpha0, flicker } };
    }
    case 'incoherent-texture': {
      // Texture rendered frame by frame: the slow shading survives, the in-band content is
      // replaced by perturbations independent from cell to cell (mostly luminance, some colour).
      const texture = drawTexture(rng);
      return { samples: rebuild(t, applyTexture(s, fs, texture, 0, rng)), params: { ...texture } };
    }
    case 'smoothed-skin': {
      // Over-smoothed, re-synthesised skin: everything above fc is gone, with small slow drifts
      // of each cell's shade on their own.
      const fc = uniform(rng, 0.15, 0.5);
      const drift = uniform(rng, 0.05, 0.4);
      const driftHz = uniform(rng, 0.3, 1);
      const out: Float64Array[] = [];
      for (let c = 0; c < s.cells; c++) {
        const w = slowNoise(rng, s.n, fs, driftHz);
        for (let ch = 0; ch < 3; ch++) {
          const x = s.cell[c * 3 + ch] as Float64Array;
          const base = lowpass(x, fs, fc);
          const sd = nanStd(x.map((v, i) => v - (base[i] as number)));
          out.push(base.map((b, i) => b + drift * sd * (w[i] as number)));
        }
      }
      return { samples: rebuild(t, out), params: { fc, drift, driftHz } };
    }
    case 'resynth-pulse': {
      // Skin re-synthesised with a periodic shading of skin colour that each cell renders on its
      // own: similar rates, unrelated phases, slightly different frequencies.
      const fc = uniform(rng, 0.3, 0.6);
      const f0 = uniform(rng, 0.8, 2.5);
      const spread = uniform(rng, 0.03, 0.4);
      const gain = uniform(rng, 0.3, 1.2);
      const out: Float64Array[] = [];
      for (let c = 0; c < s.cells; c++) {
        const f = f0 + spread * rng.normal();
        const phase = 2 * Math.PI * rng.uniform();
        const g = s.cell[c * 3 + 1] as Float64Array;
        const gBase = lowpass(g, fs, fc);
        const amp = gain * nanStd(g.map((v, i) => v - (gBase[i] as number))) * Math.SQRT2;
        for (let ch = 0; ch < 3; ch++) {
          const x = s.cell[c * 3 + ch] as Float64Array;
          const base = ch === 1 ? gBase : lowpass(x, fs, fc);
          const sd = nanStd(x.map((v, i) => v - (base[i] as number)));
          out.push(base.map((b, i) => b - amp * (SKIN_SIGNATURE[ch] as number) * Math.sin(2 * Math.PI * f * (i / fs) + phase) + 0.3 * sd * rng.normal()));
        }
      }
      return { samples: rebuild(t, out), params: { fc, f0, spread, gain } };
    }
    case 'noise-floor': {
      // Real class: the same face filmed by a worse camera. The same perturbation model as
      // 'incoherent-texture', so that the two differ only in what is left of the real in-band
      // content (pulse included): 0–50 % here, none there. With little left, the two cannot be
      // told apart, and the classifier should say so.
      const texture = drawTexture(rng);
      const keep = uniform(rng, 0, 0.5);
      return { samples: rebuild(t, applyTexture(s, fs, texture, keep, rng)), params: { ...texture, keep } };
    }
  }
}
