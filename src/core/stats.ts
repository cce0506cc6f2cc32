/**
 * The one module of small statistics on numeric arrays (mean, standard deviation, correlation,
 * median, quantiles), used by the detectors' signal processing, the alerts' robust baseline and
 * the evaluation. Pure functions. NaN-free input is assumed unless a function says otherwise.
 */

export type Signal = ArrayLike<number>;

/** Arithmetic mean, summed in order; NaN for no values. */
export function mean(x: Signal): number {
  const n = x.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] as number;
  return s / n;
}

/** Population standard deviation (divisor n). */
export function std(x: Signal): number {
  const n = x.length;
  if (n === 0) return NaN;
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = (x[i] as number) - m;
    s += d * d;
  }
  return Math.sqrt(s / n);
}

/**
 * Pearson correlation in [−1, 1]; NaN when either signal is constant (zero variance carries no
 * information about co-variation, and 0 would read as "measured uncorrelated").
 */
export function pearson(x: Signal, y: Signal): number {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`length mismatch: ${n} vs ${y.length}`);
  if (n < 2) return NaN;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const den = Math.sqrt(sxx * syy);
  if (!(den > 1e-20 * n)) return NaN;
  const r = sxy / den;
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

export function allFinite(x: Signal): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i] as number)) return false;
  return true;
}

/** Median of the finite values; NaN when there are none. */
export function median(x: Signal): number {
  const v: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const e = x[i] as number;
    if (Number.isFinite(e)) v.push(e);
  }
  if (v.length === 0) return NaN;
  v.sort((a, b) => a - b);
  const h = v.length >> 1;
  return v.length % 2 === 1 ? (v[h] as number) : ((v[h - 1] as number) + (v[h] as number)) / 2;
}

/** The mean of a list, or null for an empty one (a summary with nothing to average). */
export function meanOrNull(x: Signal): number | null {
  return x.length ? mean(x) : null;
}

/** Linear-interpolation quantile (Hyndman–Fan type 7) of an ascending, non-empty array. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

/** {@link quantileSorted} of a non-empty list in any order. */
export function quantile(values: readonly number[], q: number): number {
  return quantileSorted([...values].sort((a, b) => a - b), q);
}
