import type { QualityIssue, WindowFeatures } from './features.js';
import type { WindowOptions } from './options.js';

/**
 * What the rPPG classifier sees of a window, computed by one function for the training data script
 * (scripts/rppg-dataset.ts) and the detector, so that both feed the model the same numbers.
 *
 * - `map`: the window's PPG map (features.ts `PpgMap`: 32 cell rows × (128 pulse samples + 64 PSD
 *   bins)), as is.
 * - `features`: a few window-level scalars, each scaled to about [−2, 2]. Only quantities of the
 *   pooled face and of the cells: the named patches (forehead, cheeks) are left out because the
 *   training manipulations act on cells and can only approximate patches (see
 *   src/detectors/rppg/manipulations.ts). The heart rate itself is left out too: a rate says nothing
 *   about authenticity, and the manipulations' rates are arbitrary.
 */
export const CLASSIFIER_FEATURES = [
  'snr_pos',
  'snr_chrom',
  'snr_green',
  'coherence',
  'cell_agreement',
  'method_spread',
  'valid_cells',
  'peak_at_edge',
] as const;

export type ClassifierFeature = (typeof CLASSIFIER_FEATURES)[number];

/**
 * Window options the classifier input depends on. A model records them in its manifest; the
 * runtime refuses a model trained on other windows (other map sizes or bands).
 */
export const CLASSIFIER_WINDOW_KEYS = ['windowSec', 'fs', 'lowHz', 'highHz', 'psdBins', 'primaryMethod', 'filterOrder'] as const satisfies readonly (keyof WindowOptions)[];

/**
 * Reasons that mean the pulse could not be measured at all: nothing to classify. The others
 * (`peak-at-band-edge`, `low-snr`, `methods-disagree`, `incoherent`) mean it was measured and no
 * clear pulse was found, which the classifier was trained on (docs/rppg.md, "Low-quality windows").
 */
export const UNMEASURABLE: readonly QualityIssue[] = ['filling', 'face-missing', 'no-band-power', 'few-cells'];

/** Whether the classifier can score this window: a full window whose pulse could be measured. */
export function isScoreable(f: WindowFeatures): boolean {
  return f.state !== 'filling' && f.ppgMap !== null && f.methods !== null && !f.reasons.some((r) => UNMEASURABLE.includes(r));
}

const clip = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
/** SNR in dB / 10, clipped; a method without a band peak reads as the floor. */
const snr = (db: number | null | undefined): number => (db === null || db === undefined || !Number.isFinite(db) ? -2 : clip(db / 10, -2, 2));

export interface ClassifierInput {
  /** rows × cols, row-major. */
  readonly map: Float32Array;
  readonly rows: number;
  readonly cols: number;
  /** CLASSIFIER_FEATURES order. */
  readonly features: Float32Array;
}

/** The classifier's input for a scoreable window (see {@link isScoreable}); null otherwise. */
export function classifierInput(f: WindowFeatures): ClassifierInput | null {
  if (!isScoreable(f) || !f.ppgMap || !f.methods) return null;
  const m = f.methods;
  const values: Record<ClassifierFeature, number> = {
    snr_pos: snr(m.pos.snrDb),
    snr_chrom: snr(m.chrom.snrDb),
    snr_green: snr(m.green.snrDb),
    coherence: clip(f.coherence ?? 0, -1, 1),
    cell_agreement: clip(f.cellAgreement ?? 0, 0, 1),
    // bpm / 60 = Hz; 2 Hz of disagreement is as bad as it gets.
    method_spread: f.methodSpreadBpm === null ? 2 : clip(f.methodSpreadBpm / 60, 0, 2),
    valid_cells: f.validCells / f.ppgMap.rows,
    peak_at_edge: f.reasons.includes('peak-at-band-edge') ? 1 : 0,
  };
  return {
    map: f.ppgMap.data,
    rows: f.ppgMap.rows,
    cols: f.ppgMap.cols,
    features: Float32Array.from(CLASSIFIER_FEATURES, (k) => values[k]),
  };
}
