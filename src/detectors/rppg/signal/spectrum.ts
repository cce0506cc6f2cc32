import { type FftPlan, fftInPlace } from './fft.js';

/**
 * Power spectra of short pulse signals. A 128-sample window at 30 Hz resolves only 0.23 Hz (14 bpm)
 * natively; zero padding to `plan.n` points interpolates the spectrum (bins of fs / n) and a
 * parabola through the three bins around the maximum places the peak between bins.
 */

export interface Spectrum {
  readonly fs: number;
  /** Bin spacing, Hz (fs / nfft). */
  readonly df: number;
  /**
   * One-sided power per bin, bins 0..nfft/2, scaled by 2/(Σw)² so a sinusoid of amplitude A
   * peaks at about its power A²/2.
   */
  readonly power: Float64Array;
}

export interface SpectralPeak {
  /** Interpolated peak frequency, Hz. */
  readonly freqHz: number;
  /** Power at the maximum bin. */
  readonly power: number;
  /** The maximum sits on the first or last bin of the band: likely a slope, not a pulse peak. */
  readonly atEdge: boolean;
}

/**
 * Hann-windowed (w_i = sin²(π(i + ½)/n), no zero end points), zero-padded periodogram.
 * Throws when the signal is longer than the plan. NaN in, NaN out.
 */
export function powerSpectrum(x: ArrayLike<number>, fs: number, plan: FftPlan): Spectrum {
  const n = x.length;
  const nfft = plan.n;
  if (n > nfft) throw new RangeError(`signal of ${n} samples does not fit an FFT of ${nfft}`);
  const re = new Float64Array(nfft);
  const im = new Float64Array(nfft);
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const s = Math.sin((Math.PI * (i + 0.5)) / n);
    const w = s * s;
    wsum += w;
    re[i] = (x[i] as number) * w;
  }
  fftInPlace(plan, re, im);
  const bins = nfft / 2 + 1;
  const power = new Float64Array(bins);
  const scale = wsum > 0 ? 1 / (wsum * wsum) : 0;
  for (let k = 0; k < bins; k++) {
    const r = re[k] as number;
    const q = im[k] as number;
    // One-sided: fold the negative frequencies onto the positive ones (not DC and Nyquist).
    power[k] = (r * r + q * q) * scale * (k === 0 || k === bins - 1 ? 1 : 2);
  }
  return { fs, df: fs / nfft, power };
}

/** Index range [first, last] of the bins whose frequency lies in [lowHz, highHz]. */
export function bandBins(s: Spectrum, lowHz: number, highHz: number): [number, number] {
  const first = Math.max(0, Math.ceil(lowHz / s.df - 1e-9));
  const last = Math.min(s.power.length - 1, Math.floor(highHz / s.df + 1e-9));
  return [first, last];
}

/** Highest bin in [lowHz, highHz], refined by a parabola through its neighbours; null if no power. */
export function bandPeak(s: Spectrum, lowHz: number, highHz: number): SpectralPeak | null {
  const [first, last] = bandBins(s, lowHz, highHz);
  let best = -1;
  let bestP = 0;
  for (let k = first; k <= last; k++) {
    const p = s.power[k] as number;
    if (p > bestP) {
      bestP = p;
      best = k;
    }
  }
  if (best < 0) return null;
  let offset = 0;
  if (best > 0 && best < s.power.length - 1) {
    const a = s.power[best - 1] as number;
    const c = s.power[best + 1] as number;
    const den = a - 2 * bestP + c;
    // Vertex of the parabola through (−1, a), (0, p), (1, c); |offset| ≤ ½ at a true maximum.
    if (den < 0) offset = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
  }
  return { freqHz: (best + offset) * s.df, power: bestP, atEdge: best === first || best === last };
}

/** Largest and smallest dB values reported, so a noiseless synthetic case stays a finite number. */
export const SNR_LIMIT_DB = 60;

/**
 * Pulse SNR after de Haan & Jeanne (2013): power within ±`halfWidthHz` of the heart-rate frequency
 * `f0` and of its first harmonic 2·f0, over the power in the rest of [lowHz, highHz], in dB.
 * Unlike de Haan, who placed the template on a reference (sensor) rate, `f0` here is our own
 * estimate, so noise alone also scores the power of its highest peak: read values relative to the
 * noise-only level, not to 0 dB. NaN when the band holds no power; clamped to ±SNR_LIMIT_DB.
 */
export function snrDb(s: Spectrum, f0: number, lowHz: number, highHz: number, halfWidthHz: number): number {
  const [first, last] = bandBins(s, lowHz, highHz);
  let signal = 0;
  let noise = 0;
  for (let k = first; k <= last; k++) {
    const f = k * s.df;
    const p = s.power[k] as number;
    if (Math.abs(f - f0) <= halfWidthHz || Math.abs(f - 2 * f0) <= halfWidthHz) signal += p;
    else noise += p;
  }
  if (!(signal + noise > 0)) return NaN;
  const db = 10 * Math.log10(signal / noise);
  return Math.max(-SNR_LIMIT_DB, Math.min(SNR_LIMIT_DB, db));
}

/** The spectrum linearly interpolated at `count` evenly spaced frequencies from lowHz to highHz. */
export function bandProfile(s: Spectrum, lowHz: number, highHz: number, count: number, out = new Float64Array(count)): Float64Array {
  const maxK = s.power.length - 1;
  for (let i = 0; i < count; i++) {
    const f = count === 1 ? lowHz : lowHz + ((highHz - lowHz) * i) / (count - 1);
    const pos = Math.min(maxK, Math.max(0, f / s.df));
    const k = Math.min(maxK - 1, Math.floor(pos));
    const frac = pos - k;
    out[i] = (s.power[k] as number) * (1 - frac) + (s.power[k + 1] as number) * frac;
  }
  return out;
}
