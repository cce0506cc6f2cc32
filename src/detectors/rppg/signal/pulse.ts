import { type BandpassFilter, filtfilt } from './bandpass.js';
import { detrendLinear } from './detrend.js';

/**
 * Pulse extraction from the mean skin colour of a region, uniformly sampled. Each method returns
 * the band-passed pulse signal (arbitrary units, zero mean). The blood volume pulse changes skin
 * colour by well under 1 %, far less than illumination changes and motion do; the methods differ
 * in how they cancel those.
 *
 * - GREEN (Verkruysse et al. 2008): the green channel, where haemoglobin absorption dominates;
 *   cancels nothing. Sign inverted so that more blood (darker skin) reads as a positive value.
 * - CHROM (de Haan & Jeanne 2013): two chrominance signals X = 3R − 2G, Y = 1.5R + G − 1.5B of
 *   the normalised colour are nearly free of specular reflection; S = X_f − α·Y_f with
 *   α = σ(X_f)/σ(Y_f), α re-estimated in Hann-weighted, half-overlapping sub-windows.
 * - POS (Wang et al. 2017): projects the normalised colour on the plane orthogonal to the skin
 *   tone, S1 = G − B, S2 = G + B − 2R, h = S1 + (σ1/σ2)·S2, in sliding sub-windows overlap-added
 *   (averaged rather than summed, and computed in O(n), see posPulse).
 *
 * CHROM and GREEN normalise each channel by its centred moving mean over `subWindowSec`, which
 * removes multiplicative illumination drift; POS normalises inside each of its sub-windows as in
 * the paper. A channel with a non-positive mean yields all-NaN output (nothing to normalise by).
 */

export interface RgbTrace {
  readonly r: ArrayLike<number>;
  readonly g: ArrayLike<number>;
  readonly b: ArrayLike<number>;
}

export type PulseMethod = 'green' | 'chrom' | 'pos';

export const PULSE_METHODS: readonly PulseMethod[] = ['green', 'chrom', 'pos'];

/** Sub-window of CHROM and POS in both papers: holds a whole beat down to ~40 bpm (Wang et al.). */
export const DEFAULT_SUB_WINDOW_SEC = 1.6;

/** Centred moving mean over 2⌊len/2⌋ + 1 samples, truncated at the ends. */
export function movingMean(x: ArrayLike<number>, len: number, out = new Float64Array(x.length)): Float64Array {
  const n = x.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + (x[i] as number);
  const half = Math.max(0, Math.floor(len / 2));
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i + half + 1);
    out[i] = ((prefix[b] as number) - (prefix[a] as number)) / (b - a);
  }
  return out;
}

function subWindowLength(fs: number, subWindowSec: number, n: number): number {
  return Math.max(1, Math.min(n, Math.max(2, Math.round(subWindowSec * fs))));
}

/** x / movingMean(x) − 1, or null when a local mean is not positive. */
function normalizeLocal(x: ArrayLike<number>, len: number): Float64Array | null {
  const m = movingMean(x, len);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const d = m[i] as number;
    if (!(d > 0)) return null;
    out[i] = (x[i] as number) / d - 1;
  }
  return out;
}

function nanSignal(n: number): Float64Array {
  return new Float64Array(n).fill(NaN);
}

function bandpassed(filter: BandpassFilter, x: ArrayLike<number>): Float64Array {
  return filtfilt(filter, detrendLinear(x));
}

export function greenPulse(rgb: RgbTrace, filter: BandpassFilter, subWindowSec = DEFAULT_SUB_WINDOW_SEC): Float64Array {
  const n = rgb.g.length;
  const g = normalizeLocal(rgb.g, subWindowLength(filter.fs, subWindowSec, n));
  if (g === null) return nanSignal(n);
  for (let i = 0; i < n; i++) g[i] = -(g[i] as number);
  return bandpassed(filter, g);
}

export function chromPulse(rgb: RgbTrace, filter: BandpassFilter, subWindowSec = DEFAULT_SUB_WINDOW_SEC): Float64Array {
  const n = rgb.r.length;
  if (n === 0) return new Float64Array(0);
  const len = subWindowLength(filter.fs, subWindowSec, n);
  const r = normalizeLocal(rgb.r, len);
  const g = normalizeLocal(rgb.g, len);
  const b = normalizeLocal(rgb.b, len);
  if (r === null || g === null || b === null) return nanSignal(n);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Normalised channels are c/μ − 1 here, so the constant terms of X and Y vanish.
    xs[i] = 3 * (r[i] as number) - 2 * (g[i] as number);
    ys[i] = 1.5 * (r[i] as number) + (g[i] as number) - 1.5 * (b[i] as number);
  }
  const xf = bandpassed(filter, xs);
  const yf = bandpassed(filter, ys);
  const out = new Float64Array(n);
  const weight = new Float64Array(n);
  const hop = Math.max(1, len >> 1);
  for (let start = 0; ; start += hop) {
    const s0 = Math.min(start, n - len);
    const alpha = ratioOfStd(xf, yf, s0, s0 + len);
    for (let i = 0; i < len; i++) {
      const sn = Math.sin((Math.PI * (i + 0.5)) / len);
      const w = sn * sn;
      const k = s0 + i;
      out[k] = (out[k] as number) + w * ((xf[k] as number) - alpha * (yf[k] as number));
      weight[k] = (weight[k] as number) + w;
    }
    if (s0 + len >= n) break;
  }
  for (let i = 0; i < n; i++) out[i] = (out[i] as number) / (weight[i] as number);
  return out;
}

/**
 * POS in O(n). In each sub-window the projected signal is linear in the raw colour,
 * h_m(i) = (1 + α_m)/μg·g_i + (α_m − 1)/μb·b_i − 2α_m/μr·r_i (its window mean is zero
 * analytically, so the paper's mean subtraction is a no-op), and σ(S1), σ(S2) follow from window
 * (co)variances of R, G, B. Running sums give every window's α_m; prefix sums of the coefficients
 * give each sample's overlap-add. The paper sums overlapping segments on an endless stream; on a
 * short window the first and last l − 1 samples get fewer segments, so the sum would ramp up and
 * down, hence the average over the segments covering each sample instead.
 */
export function posPulse(rgb: RgbTrace, filter: BandpassFilter, subWindowSec = DEFAULT_SUB_WINDOW_SEC): Float64Array {
  const n = rgb.r.length;
  if (n === 0) return new Float64Array(0);
  const len = subWindowLength(filter.fs, subWindowSec, n);
  const windows = n - len + 1;
  // Window sums of centred values keep the variance sums well conditioned.
  const m0 = [meanOf(rgb.r), meanOf(rgb.g), meanOf(rgb.b)] as const;
  const sums = windowSums(rgb, m0, len);
  const coefR = new Float64Array(windows + 1);
  const coefG = new Float64Array(windows + 1);
  const coefB = new Float64Array(windows + 1);
  for (let m = 0; m < windows; m++) {
    const w = sums(m);
    const mr = m0[0] + w.r;
    const mg = m0[1] + w.g;
    const mb = m0[2] + w.b;
    if (!(mr > 0 && mg > 0 && mb > 0)) return nanSignal(n);
    const ir = 1 / mr;
    const ig = 1 / mg;
    const ib = 1 / mb;
    const var1 = w.gg * ig * ig + w.bb * ib * ib - 2 * w.gb * ig * ib;
    const var2 = w.gg * ig * ig + w.bb * ib * ib + 4 * w.rr * ir * ir + 2 * w.gb * ig * ib - 4 * w.rg * ig * ir - 4 * w.rb * ib * ir;
    const alpha = var2 > 1e-24 ? Math.sqrt(Math.max(0, var1) / var2) : 0;
    // Stored as prefix sums over windows.
    coefR[m + 1] = (coefR[m] as number) - 2 * alpha * ir;
    coefG[m + 1] = (coefG[m] as number) + (1 + alpha) * ig;
    coefB[m + 1] = (coefB[m] as number) + (alpha - 1) * ib;
  }
  const h = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - len + 1);
    const hi = Math.min(i, windows - 1) + 1;
    const sr = (coefR[hi] as number) - (coefR[lo] as number);
    const sg = (coefG[hi] as number) - (coefG[lo] as number);
    const sb = (coefB[hi] as number) - (coefB[lo] as number);
    h[i] = ((rgb.r[i] as number) * sr + (rgb.g[i] as number) * sg + (rgb.b[i] as number) * sb) / (hi - lo);
  }
  return bandpassed(filter, h);
}

function meanOf(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  return s / x.length;
}

interface WindowMoments {
  /** Means of the centred channels. */
  readonly r: number;
  readonly g: number;
  readonly b: number;
  /** Population (co)variances. */
  readonly rr: number;
  readonly gg: number;
  readonly bb: number;
  readonly rg: number;
  readonly rb: number;
  readonly gb: number;
}

/** Moments of the centred channels over window [m, m + len), O(1) per window after O(n) set-up. */
function windowSums(rgb: RgbTrace, m0: readonly [number, number, number], len: number): (m: number) => WindowMoments {
  const n = rgb.r.length;
  const p = Array.from({ length: 9 }, () => new Float64Array(n + 1));
  for (let i = 0; i < n; i++) {
    const r = (rgb.r[i] as number) - m0[0];
    const g = (rgb.g[i] as number) - m0[1];
    const b = (rgb.b[i] as number) - m0[2];
    const terms = [r, g, b, r * r, g * g, b * b, r * g, r * b, g * b];
    for (let k = 0; k < 9; k++) (p[k] as Float64Array)[i + 1] = ((p[k] as Float64Array)[i] as number) + (terms[k] as number);
  }
  const at = (k: number, m: number): number => (((p[k] as Float64Array)[m + len] as number) - ((p[k] as Float64Array)[m] as number)) / len;
  return (m) => {
    const r = at(0, m);
    const g = at(1, m);
    const b = at(2, m);
    return {
      r,
      g,
      b,
      rr: at(3, m) - r * r,
      gg: at(4, m) - g * g,
      bb: at(5, m) - b * b,
      rg: at(6, m) - r * g,
      rb: at(7, m) - r * b,
      gb: at(8, m) - g * b,
    };
  };
}

export function extractPulse(method: PulseMethod, rgb: RgbTrace, filter: BandpassFilter, subWindowSec = DEFAULT_SUB_WINDOW_SEC): Float64Array {
  switch (method) {
    case 'green':
      return greenPulse(rgb, filter, subWindowSec);
    case 'chrom':
      return chromPulse(rgb, filter, subWindowSec);
    case 'pos':
      return posPulse(rgb, filter, subWindowSec);
  }
}

/**
 * σ(a[from..to)) / σ(b[from..to)); 0 when b is flat (then the second term carries nothing). The
 * floor is far below any real signal's variance (relative colour changes of 1e-4 give 1e-8 · n).
 */
function ratioOfStd(a: ArrayLike<number>, b: ArrayLike<number>, from: number, to: number): number {
  const n = to - from;
  let ma = 0;
  let mb = 0;
  for (let i = from; i < to; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let va = 0;
  let vb = 0;
  for (let i = from; i < to; i++) {
    va += ((a[i] as number) - ma) ** 2;
    vb += ((b[i] as number) - mb) ** 2;
  }
  return vb > 1e-24 * n ? Math.sqrt(va / vb) : 0;
}
