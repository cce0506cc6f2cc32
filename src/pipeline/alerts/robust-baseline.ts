import { median } from '../../core/stats.js';

/**
 * A rolling robust baseline: the median and the MAD (median absolute deviation) of the last
 * `window` values. Robust z-scores against it are not dragged by the very outliers they are meant
 * to find, unlike a mean and standard deviation. Pure; O(window log window) per query.
 */
export class RollingRobust {
  private readonly values: number[] = [];

  constructor(private readonly window: number) {}

  get size(): number {
    return this.values.length;
  }

  push(x: number): void {
    this.values.push(x);
    if (this.values.length > this.window) this.values.shift();
  }

  /** Median and 1.4826·MAD (a standard-deviation estimate for normal data); null when empty. */
  stats(): { median: number; scale: number } | null {
    if (this.values.length === 0) return null;
    const m = median(this.values);
    return { median: m, scale: 1.4826 * median(this.values.map((v) => Math.abs(v - m))) };
  }
}

/** (x − median) / max(scale, minScale). */
export function robustZ(x: number, stats: { median: number; scale: number }, minScale: number): number {
  return (x - stats.median) / Math.max(stats.scale, minScale);
}
