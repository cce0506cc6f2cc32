import { type BandpassFilter, designButterworthBandpass } from '../rppg/signal/bandpass.js';
import { type FftPlan, createFftPlan, nextPowerOfTwo } from '../rppg/signal/fft.js';
import { type QuadratureBank, type QuadratureBankOptions, createQuadratureBank } from './phase.js';

/**
 * Settings of the motion detector's per-track window. Times in seconds, rates in Hz, lengths in
 * px of the aligned grey crop (CANONICAL_EYES of src/core/align.ts: eyes at 0.32/0.68 of the
 * width, 0.4 of the height).
 */
export interface MotionOptions {
  readonly bank: QuadratureBankOptions;
  /** Uniform rate the signals are resampled to. */
  readonly fs: number;
  /** Samples per window (64 at 30 Hz: 2.13 s). */
  readonly n: number;
  readonly hopSec: number;
  /** A longer stretch without the face restarts the window. */
  readonly maxGapSec: number;
  /** The low-frequency band (head sway, breathing, slow expression) and the facial-action band. */
  readonly lowBand: readonly [number, number];
  readonly actionBand: readonly [number, number];
  /** Spectrum bins kept per channel in the map (bins 1..spectrumBins of an n-point FFT of the velocity). */
  readonly spectrumBins: number;
  /** Quadrature responses below this (grey levels × kernel weight) have no measurable phase. */
  readonly minAmplitude: number;
  /**
   * Below this RMS of band-passed phase motion (crop px, √(low² + action²) of the medians over
   * channels) the face does not move measurably: a still photo, a frozen stream. Measured
   * (docs/motion.md, "Still faces"): every one of 4,516 corpus and media video windows ≥ 0.040
   * (1st percentile 0.061); a photo encoded as a 4-s H.264 clip 0.004, with strong temporal grain 0.025.
   */
  readonly minMotionPx: number;
  /** More than this fraction of frames identical to their predecessor: a frozen stream. */
  readonly maxFrozenFraction: number;
  readonly minFill: number;
}

export const DEFAULT_MOTION_OPTIONS: MotionOptions = {
  bank: { size: 48, cells: 4, lo: 0.12, hi: 0.88, wavelength: 8, sigmaFraction: 0.5 },
  fs: 30,
  n: 64,
  hopSec: 0.5,
  maxGapSec: 0.5,
  lowBand: [0.5, 3],
  actionBand: [3, 8],
  spectrumBins: 20,
  minAmplitude: 1,
  minMotionPx: 0.03,
  maxFrozenFraction: 0.5,
  minFill: 0.95,
};

/** Options plus what is derived from them once: filter bank, band-pass filters, FFT plan. */
export interface MotionContext {
  readonly options: MotionOptions;
  readonly bank: QuadratureBank;
  readonly low: BandpassFilter;
  readonly action: BandpassFilter;
  readonly plan: FftPlan;
}

export function createMotionContext(overrides: Partial<MotionOptions> = {}): MotionContext {
  const options: MotionOptions = { ...DEFAULT_MOTION_OPTIONS, ...overrides };
  if (!(Number.isInteger(options.n) && options.n >= 16)) throw new RangeError(`window of ${options.n} samples is too short for motion analysis`);
  if (!(options.hopSec > 0 && options.maxGapSec > 0)) throw new RangeError('hopSec and maxGapSec must be positive');
  if (!(options.actionBand[1] < options.fs / 2)) throw new RangeError('the action band must lie below the Nyquist rate');
  const plan = createFftPlan(nextPowerOfTwo(options.n));
  if (options.spectrumBins > plan.n / 2) throw new RangeError(`spectrumBins ${options.spectrumBins} exceeds the ${plan.n}-point FFT`);
  return {
    options,
    bank: createQuadratureBank(options.bank),
    low: designButterworthBandpass(options.fs, options.lowBand[0], options.lowBand[1], 4),
    action: designButterworthBandpass(options.fs, options.actionBand[0], options.actionBand[1], 4),
    plan,
  };
}
