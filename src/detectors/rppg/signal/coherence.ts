import { pearson } from '../../../core/stats.js';

/**
 * Spatial coherence of the pulse across face cells. Blood reaches all of the face from the same
 * heart beat, so on a real face the band-passed pulse signals of different cells move together;
 * synthesised faces are generated frame by frame (or region by region) with no shared cause, so
 * their cell signals agree only through shared illumination or motion.
 */

export interface Coherence {
  /**
   * Mean Pearson correlation over all pairs of valid signals, in [−1, 1]: ≈ 1 for one shared
   * pulse, ≈ 0 (± 1/√n) for independent noise. NaN when fewer than two signals are valid.
   */
  readonly value: number;
  /** Number of pairs averaged. */
  readonly pairs: number;
}

/** Signals that are null, contain NaN or are constant are skipped. */
export function meanPairwiseCorrelation(signals: readonly (ArrayLike<number> | null)[]): Coherence {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < signals.length; i++) {
    const a = signals[i];
    if (!a) continue;
    for (let j = i + 1; j < signals.length; j++) {
      const b = signals[j];
      if (!b) continue;
      const r = pearson(a, b);
      if (Number.isFinite(r)) {
        sum += r;
        pairs++;
      }
    }
  }
  return { value: pairs > 0 ? sum / pairs : NaN, pairs };
}

/**
 * Fraction of the finite per-cell peak frequencies within `toleranceHz` of `f0`: how many cells
 * see the same heart rate on their own. NaN when no cell has a peak or f0 is not finite.
 */
export function peakAgreement(peaksHz: readonly number[], f0: number, toleranceHz: number): number {
  if (!Number.isFinite(f0)) return NaN;
  let valid = 0;
  let agree = 0;
  for (const f of peaksHz) {
    if (!Number.isFinite(f)) continue;
    valid++;
    if (Math.abs(f - f0) <= toleranceHz) agree++;
  }
  return valid > 0 ? agree / valid : NaN;
}
