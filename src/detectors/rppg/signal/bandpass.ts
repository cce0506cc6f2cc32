/**
 * Butterworth band-pass as a cascade of second-order sections, applied forward and backward
 * (zero phase, so the pulse waveform is not shifted between cells and methods; squared magnitude).
 *
 * The band-pass is a high-pass of order N at `lowHz` followed by a low-pass of order N at `highHz`.
 * Each section is an RBJ-cookbook biquad (bilinear transform prewarped at its cutoff) with the
 * Butterworth Q of one conjugate pole pair, Q_k = 1 / (2 cos(π(2k+1)/(2N))); the cascade is then
 * exactly the bilinear-transformed analog Butterworth filter. N must be even.
 */

export interface Biquad {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

export interface BandpassFilter {
  readonly fs: number;
  readonly lowHz: number;
  readonly highHz: number;
  readonly order: number;
  readonly sections: readonly Biquad[];
}

function butterworthQs(order: number): number[] {
  const qs: number[] = [];
  for (let k = 0; k < order / 2; k++) qs.push(1 / (2 * Math.cos((Math.PI * (2 * k + 1)) / (2 * order))));
  return qs;
}

function biquad(kind: 'low' | 'high', f0: number, fs: number, q: number): Biquad {
  const w0 = (2 * Math.PI * f0) / fs;
  const c = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  const b0 = kind === 'low' ? (1 - c) / 2 : (1 + c) / 2;
  const b1 = kind === 'low' ? 1 - c : -(1 + c);
  return { b0: b0 / a0, b1: b1 / a0, b2: b0 / a0, a1: (-2 * c) / a0, a2: (1 - alpha) / a0 };
}

export function designButterworthBandpass(fs: number, lowHz: number, highHz: number, order = 4): BandpassFilter {
  if (!(fs > 0)) throw new RangeError(`sample rate must be positive, got ${fs}`);
  if (!(lowHz > 0 && lowHz < highHz && highHz < fs / 2)) {
    throw new RangeError(`band must satisfy 0 < low < high < fs/2, got ${lowHz}–${highHz} Hz at ${fs} Hz`);
  }
  if (!(Number.isInteger(order) && order >= 2 && order % 2 === 0)) {
    throw new RangeError(`order must be a positive even integer, got ${order}`);
  }
  const qs = butterworthQs(order);
  const sections = [...qs.map((q) => biquad('high', lowHz, fs, q)), ...qs.map((q) => biquad('low', highHz, fs, q))];
  return { fs, lowHz, highHz, order, sections };
}

/** |H(e^{iω})| of one forward pass at frequency `f` Hz. */
export function magnitudeResponse(filter: BandpassFilter, f: number): number {
  const w = (2 * Math.PI * f) / filter.fs;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  let mag = 1;
  for (const s of filter.sections) {
    // H = (b0 + b1 z⁻¹ + b2 z⁻²) / (1 + a1 z⁻¹ + a2 z⁻²), z⁻ᵏ = cos(kω) − i sin(kω).
    const nr = s.b0 + s.b1 * c1 + s.b2 * c2;
    const ni = -(s.b1 * s1 + s.b2 * s2);
    const dr = 1 + s.a1 * c1 + s.a2 * c2;
    const di = -(s.a1 * s1 + s.a2 * s2);
    mag *= Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
  }
  return mag;
}

/**
 * Runs the cascade over `x` in place, starting every section in the steady state it would have
 * reached had the input always equalled x[0] (as scipy's `lfilter_zi`), so a DC offset does not
 * start a transient.
 */
function runCascade(sections: readonly Biquad[], x: Float64Array, from: number, to: number, dir: 1 | -1): void {
  let level = x[from] as number;
  for (const s of sections) {
    const gain = (s.b0 + s.b1 + s.b2) / (1 + s.a1 + s.a2);
    const out = gain * level;
    let z1 = out - s.b0 * level;
    let z2 = s.b2 * level - s.a2 * out;
    for (let i = from; dir === 1 ? i <= to : i >= to; i += dir) {
      const v = x[i] as number;
      const y = s.b0 * v + z1;
      z1 = s.b1 * v - s.a1 * y + z2;
      z2 = s.b2 * v - s.a2 * y;
      x[i] = y;
    }
    level = out;
  }
}

/**
 * Zero-phase filtering (forward then backward). The signal is extended at both ends (up to n − 1
 * samples) so the edge transients fall mostly outside the returned samples: an odd reflection, as
 * `scipy.signal.filtfilt`, but about the mean of the last ⌈fs / (2·highHz)⌉ samples (half a period
 * of the upper cutoff) instead of the very last sample. Reflecting about one sample turns its
 * out-of-band noise into a level step for the whole pad, and on a 4 s window the low-pass rings
 * that step back into the signal (an 8 Hz tone then kept ~22 % of its amplitude instead of ~5 %).
 * NaN in, NaN out.
 */
export function filtfilt(filter: BandpassFilter, x: ArrayLike<number>, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const n = x.length;
  if (n === 0) return out;
  const pad = Math.min(n - 1, Math.ceil((3 * filter.fs) / filter.lowHz));
  const m = Math.min(n, Math.max(1, Math.ceil(filter.fs / (2 * filter.highHz))));
  let first = 0;
  let last = 0;
  for (let i = 0; i < m; i++) {
    first += x[i] as number;
    last += x[n - 1 - i] as number;
  }
  first /= m;
  last /= m;
  const buf = new Float64Array(n + 2 * pad);
  for (let i = 0; i < pad; i++) buf[i] = 2 * first - (x[pad - i] as number);
  for (let i = 0; i < n; i++) buf[pad + i] = x[i] as number;
  for (let i = 0; i < pad; i++) buf[pad + n + i] = 2 * last - (x[n - 2 - i] as number);
  runCascade(filter.sections, buf, 0, buf.length - 1, 1);
  runCascade(filter.sections, buf, buf.length - 1, 0, -1);
  for (let i = 0; i < n; i++) out[i] = buf[pad + i] as number;
  return out;
}
