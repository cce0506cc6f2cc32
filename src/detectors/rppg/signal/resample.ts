/**
 * Resampling of irregularly timed samples onto a uniform grid. Video frame times jitter (variable
 * frame rate, dropped frames, live capture), while every later step (filters, FFT bins) assumes a
 * fixed rate, so traces are put on a uniform grid first.
 */

export interface UniformGrid {
  /** Time of the first grid sample, seconds. */
  readonly t0: number;
  /** Grid rate, Hz. */
  readonly fs: number;
  /** Number of grid samples. */
  readonly n: number;
}

/** The grid of `n` samples at `fs` whose last sample falls on `tEnd`. */
export function gridEndingAt(tEnd: number, fs: number, n: number): UniformGrid {
  return { t0: tEnd - (n - 1) / fs, fs, n };
}

/**
 * Linear interpolation of (t, x) at the grid times. NaN values of `x` count as missing samples.
 * A grid point between two valid samples more than `maxGapSec` apart is NaN: bridging a long gap
 * with a straight line would invent a signal, so there only points within `maxGapSec / 2` of a sample
 * get that sample's value and the rest are NaN. Before the first / after the last valid sample the
 * nearest value is held for at most `maxGapSec / 2` (the grid edge rarely falls on a frame), then NaN.
 * `t` must be non-decreasing (seconds); with equal times the later sample wins.
 */
export function resampleUniform(
  t: ArrayLike<number>,
  x: ArrayLike<number>,
  grid: UniformGrid,
  maxGapSec: number,
  out: Float64Array = new Float64Array(grid.n),
): Float64Array {
  if (t.length !== x.length) throw new RangeError(`length mismatch: ${t.length} times, ${x.length} values`);
  for (let i = 1; i < t.length; i++) {
    if ((t[i] as number) < (t[i - 1] as number)) throw new RangeError('timestamps must be non-decreasing');
  }
  const valid: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (Number.isFinite(x[i] as number) && Number.isFinite(t[i] as number)) {
      // Equal timestamps: keep the later sample only.
      if (valid.length > 0 && t[valid[valid.length - 1] as number] === t[i]) valid.pop();
      valid.push(i);
    }
  }
  const m = valid.length;
  let j = 0; // index into `valid` of the first valid sample with time > tg
  for (let g = 0; g < grid.n; g++) {
    const tg = grid.t0 + g / grid.fs;
    while (j < m && (t[valid[j] as number] as number) <= tg) j++;
    if (j === 0) {
      // Before the first valid sample.
      out[g] = m > 0 && (t[valid[0] as number] as number) - tg <= maxGapSec / 2 ? (x[valid[0] as number] as number) : NaN;
      continue;
    }
    const a = valid[j - 1] as number;
    const ta = t[a] as number;
    if (j === m) {
      out[g] = tg - ta <= maxGapSec / 2 ? (x[a] as number) : NaN;
      continue;
    }
    const b = valid[j] as number;
    const tb = t[b] as number;
    if (tb - ta > maxGapSec) {
      // Inside a long gap: treat both sides like data edges.
      const da = tg - ta;
      const db = tb - tg;
      out[g] = Math.min(da, db) > maxGapSec / 2 ? NaN : da <= db ? (x[a] as number) : (x[b] as number);
      continue;
    }
    const f = (tg - ta) / (tb - ta);
    out[g] = (x[a] as number) * (1 - f) + (x[b] as number) * f;
  }
  return out;
}

/** Number of NaN entries. */
export function countMissing(x: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i] as number)) c++;
  return c;
}
