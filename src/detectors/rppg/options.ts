import { type BandpassFilter, designButterworthBandpass } from './signal/bandpass.js';
import { type FftPlan, createFftPlan, nextPowerOfTwo } from './signal/fft.js';
import type { PulseMethod } from './signal/pulse.js';

/** Settings of the per-track rPPG window. Times in seconds, rates in Hz. */
export interface WindowOptions {
  /** Analysis window; FakeCatcher's 128 frames at 30 fps. */
  readonly windowSec: number;
  /** Time between analyses once the window is full. */
  readonly hopSec: number;
  /** Uniform rate the traces are resampled to. */
  readonly fs: number;
  /** Heart-rate band (42–240 bpm). */
  readonly lowHz: number;
  readonly highHz: number;
  /** Butterworth order of each edge of the band-pass (even). */
  readonly filterOrder: number;
  /** A longer stretch without a usable face resets the window (and is never interpolated). */
  readonly maxGapSec: number;
  /** Zero-padded FFT size for heart rate and SNR (bins of fs / nfft Hz). */
  readonly nfft: number;
  /** Zero-padded FFT size for the per-cell spectra of the PPG map and cell agreement. */
  readonly cellNfft: number;
  /** PSD samples per PPG-map row, evenly spaced over [lowHz, highHz]. */
  readonly psdBins: number;
  /**
   * Half-width of the SNR signal template around the heart rate and its harmonic; null: the
   * frequency resolution of the window, max(0.1 Hz, 1 / windowSec). de Haan's ±0.1 Hz assumes
   * windows of ten seconds or more: on a 4.3 s window the Hann main lobe of a pure tone is
   * ±0.47 Hz wide, so ±0.1 Hz holds under half of a perfect pulse's power and even a noiseless
   * pulse scores ≈ 0 dB, while ±1/T holds most of it.
   */
  readonly snrHalfWidthHz: number | null;
  /** Method whose estimate is the window's heart rate and whose per-cell signals make the map. */
  readonly primaryMethod: PulseMethod;
  /**
   * Quality gates: a window failing any of them is 'low-quality'. minSnrDb = 3 dB is the level
   * that white noise alone (no pulse) exceeds in about 1 % of default windows (measured on
   * synthetic noise with the default options, not on any video); methods whose estimates spread
   * more than 6 bpm (0.1 Hz, under one native frequency bin) did not find the same peak.
   */
  readonly minSnrDb: number;
  readonly maxMethodSpreadBpm: number;
  /**
   * A pulse found in the pooled face but not shared by the cells is not a pulse (H.264 coding of
   * a slow illumination drift, for one, makes the face mean step at a steady rate while cells step
   * at different frames). Independent cells give a coherence of 0 ± ~0.02 on a default window,
   * so 0.1 only asks that the cells share some signal at all.
   */
  readonly minCoherence: number;
  readonly minFill: number;
  readonly minValidCells: number;
  /** Tolerance for a cell's own spectral peak to count as agreeing with the heart rate. */
  readonly cellAgreementHz: number;
}

export const DEFAULT_WINDOW_OPTIONS: WindowOptions = {
  windowSec: 128 / 30,
  hopSec: 0.5,
  fs: 30,
  lowHz: 0.7,
  highHz: 4,
  filterOrder: 4,
  maxGapSec: 0.5,
  nfft: 2048,
  cellNfft: 512,
  psdBins: 64,
  snrHalfWidthHz: null,
  primaryMethod: 'pos',
  minSnrDb: 3,
  maxMethodSpreadBpm: 6,
  minCoherence: 0.1,
  minFill: 0.95,
  minValidCells: 8,
  cellAgreementHz: 0.1,
};

/** Options plus what is derived from them once: filter coefficients and FFT plans. */
export interface AnalysisContext {
  readonly options: WindowOptions;
  /** Grid samples per window, round(windowSec · fs). */
  readonly n: number;
  readonly filter: BandpassFilter;
  /** snrHalfWidthHz resolved. */
  readonly snrHalfWidthHz: number;
  readonly plan: FftPlan;
  readonly cellPlan: FftPlan;
}

export function createAnalysisContext(overrides: Partial<WindowOptions> = {}): AnalysisContext {
  const options: WindowOptions = { ...DEFAULT_WINDOW_OPTIONS, ...overrides };
  const n = Math.round(options.windowSec * options.fs);
  if (!(n >= 16)) throw new RangeError(`window of ${n} samples is too short for pulse analysis`);
  if (!(options.hopSec > 0 && options.maxGapSec > 0)) throw new RangeError('hopSec and maxGapSec must be positive');
  const filter = designButterworthBandpass(options.fs, options.lowHz, options.highHz, options.filterOrder);
  // An FFT shorter than the window would truncate it; round sizes up to powers of two.
  const plan = createFftPlan(nextPowerOfTwo(Math.max(options.nfft, n)));
  const cellPlan = createFftPlan(nextPowerOfTwo(Math.max(options.cellNfft, n)));
  const snrHalfWidthHz = options.snrHalfWidthHz ?? Math.max(0.1, 1 / options.windowSec);
  return { options, n, filter, snrHalfWidthHz, plan, cellPlan };
}
