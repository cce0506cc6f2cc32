import type { WindowReset } from '../biological/sample-window.js';
import type { RegionName } from './layout.js';
import type { PulseMethod } from './signal/pulse.js';

/**
 * - `filling`: the window does not span `windowSec` of usable face yet (start of a track, or just
 *   after a reset); no estimate.
 * - `ok`: a full window whose pulse passed every quality gate.
 * - `low-quality`: a full window whose pulse failed a gate (`reasons` says which). Its numbers
 *   are still reported as features, but must not be read as a confident heart rate.
 */
export type WindowState = 'filling' | 'ok' | 'low-quality';

/**
 * Why a window is not `ok`:
 * - `filling`: less than a full window of usable face since the start or the last reset;
 * - `face-missing`: the pooled face region is missing (too little skin) in more than 1 − minFill
 *   of the window;
 * - `no-band-power`: the pulse has no power in the heart-rate band (constant signal);
 * - `peak-at-band-edge`: the strongest frequency is a band edge, a slope (drift, motion) rather
 *   than a pulse peak;
 * - `low-snr`: SNR below minSnrDb;
 * - `methods-disagree`: GREEN, CHROM and POS heart rates spread more than maxMethodSpreadBpm;
 * - `incoherent`: the cells' pulses do not move together (coherence below minCoherence);
 * - `few-cells`: fewer than minValidCells grid cells had skin over the whole window.
 * `filling`, `face-missing`, `no-band-power` and `few-cells` say the measurement could not be
 * made; `peak-at-band-edge`, `low-snr`, `methods-disagree` and `incoherent` that it was made and
 * found no clear pulse. All features are still reported for `low-quality` windows.
 */
export type QualityIssue =
  | 'filling'
  | 'face-missing'
  | 'no-band-power'
  | 'peak-at-band-edge'
  | 'low-snr'
  | 'methods-disagree'
  | 'incoherent'
  | 'few-cells';

export interface PulseEstimate {
  /** Spectral peak in the band, bpm; null when the band holds no power. */
  readonly hrBpm: number | null;
  /** de Haan SNR at that peak, dB (see signal/spectrum.ts `snrDb`). */
  readonly snrDb: number | null;
}

/**
 * FakeCatcher-style PPG map: one row per grid cell (row-major cell order of the layout), each row
 * the cell's band-passed pulse (primary method), z-scored and clipped to ±3 then divided by 3
 * (→ [−1, 1]), followed by its power spectrum over [lowHz, highHz] divided by the row maximum
 * (→ [0, 1]). Missing cells are all-zero rows with `cellValid` 0 (zeros, not NaN, so the map can
 * go straight into a network).
 */
export interface PpgMap {
  readonly rows: number;
  /** signalLength + psdBins. */
  readonly cols: number;
  readonly signalLength: number;
  readonly psdBins: number;
  /** rows × cols, row-major. */
  readonly data: Float32Array;
  readonly cellValid: Uint8Array;
}

export interface WindowFeatures {
  readonly state: WindowState;
  /** Failed quality gates (for `low-quality`), or `filling`; empty when `ok`. */
  readonly reasons: readonly QualityIssue[];
  /** Presentation time of the newest sample in the window, ms. */
  readonly tEndMs: number;
  /** Fraction of the window covered by usable face samples, [0, 1]. */
  readonly fill: number;
  /** Times this window started over, and why the last time (null if never). */
  readonly resets: number;
  readonly lastReset: WindowReset | null;
  /** Primary-method heart rate and SNR of the pooled face region. */
  readonly hrBpm: number | null;
  readonly snrDb: number | null;
  /** Per method, on the pooled face region. */
  readonly methods: Readonly<Record<PulseMethod, PulseEstimate>> | null;
  /** max − min of the three methods' heart rates, bpm. */
  readonly methodSpreadBpm: number | null;
  /** Primary method per named region. */
  readonly regions: Readonly<Record<RegionName, PulseEstimate>> | null;
  /**
   * Mean pairwise Pearson correlation of the cells' band-passed primary-method pulses, [−1, 1]
   * (signal/coherence.ts).
   */
  readonly coherence: number | null;
  /** Fraction of valid cells whose own spectral peak is within cellAgreementHz of the heart rate. */
  readonly cellAgreement: number | null;
  /** Cells with a usable trace over the whole window. */
  readonly validCells: number;
  readonly ppgMap: PpgMap | null;
  /** The primary-method pulse of the pooled face region over the window (for display), fs Hz. */
  readonly pulse: Float32Array | null;
}
