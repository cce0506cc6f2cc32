import { filtfilt } from '../rppg/signal/bandpass.js';
import { detrendLinear } from '../rppg/signal/detrend.js';
import { gridEndingAt, resampleUniform } from '../rppg/signal/resample.js';
import { powerSpectrum } from '../rppg/signal/spectrum.js';
import { median, pearson } from '../../core/stats.js';
import type { MotionContext } from './options.js';
import { HEAD_WIDTH, type MotionSample, PARTS_WIDTH } from './sampler.js';

/**
 * One full motion window → the classifier's input and the per-window measurements. Pure.
 *
 * Map (`channels` rows × (spectrumBins + 2) columns), one row per phase channel (cell × direction,
 * see phase.ts): log₁₀ power of the channel's phase velocity at bins 1..spectrumBins of an
 * n-point FFT (fs/n Hz apart), then log₁₀ RMS of the channel's magnified motion — its phase
 * displacement band-passed over the low band and over the facial-action band (zero-phase
 * Butterworth). Features: the landmark trajectories' dynamics and pooled motion statistics
 * (MOTION_FEATURES).
 */
export const MOTION_FEATURES = [
  'motion_low',
  'motion_action',
  'action_ratio',
  'motion_centroid',
  'head_vel',
  'head_acc',
  'head_jerk',
  'roll_vel',
  'scale_vel',
  'mouth_vel',
  'mouth_acc',
  'mouth_jerk',
  'nose_vel',
  'ears_vel',
  'symmetry_phase',
  'symmetry_ears',
  'mouth_jaw',
  'mouth_head',
  'contrast',
  'frozen',
] as const;

export type MotionFeature = (typeof MOTION_FEATURES)[number];

export interface TimedMotionSample {
  readonly tSec: number;
  readonly sample: MotionSample;
}

export type MotionIssue = 'filling' | 'still' | 'frozen' | 'gap';

export interface MotionAnalysis {
  readonly tEndMs: number;
  readonly issues: readonly MotionIssue[];
  /** rows × cols, row-major; null when the window could not be analysed. */
  readonly map: Float32Array | null;
  readonly rows: number;
  readonly cols: number;
  /** MOTION_FEATURES order; null when the window could not be analysed. */
  readonly features: Float32Array | null;
  /** Median over channels of the low-band and action-band RMS, crop px. */
  readonly lowRmsPx: number | null;
  readonly actionRmsPx: number | null;
  readonly frozenFraction: number;
}

const LOG_FLOOR = 1e-6;
const log10 = (x: number): number => Math.log10(Math.max(x, 0) + LOG_FLOOR);

function rms(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] as number) ** 2;
  return x.length > 0 ? Math.sqrt(s / x.length) : 0;
}

/** k-th finite difference × fs^k. */
export function derivative(x: ArrayLike<number>, fs: number, order = 1): Float64Array {
  let cur = Float64Array.from(x as ArrayLike<number>);
  for (let k = 0; k < order; k++) {
    const next = new Float64Array(Math.max(0, cur.length - 1));
    for (let i = 0; i < next.length; i++) next[i] = ((cur[i + 1] as number) - (cur[i] as number)) * fs;
    cur = next;
  }
  return cur;
}

/** RMS of the k-th derivative of a 2-D trajectory (x, y): √(mean(ẋ² + ẏ²)). */
export function trajectoryRms(x: ArrayLike<number>, y: ArrayLike<number>, fs: number, order: number): number {
  const dx = derivative(x, fs, order);
  const dy = derivative(y, fs, order);
  let s = 0;
  for (let i = 0; i < dx.length; i++) s += (dx[i] as number) ** 2 + (dy[i] as number) ** 2;
  return dx.length > 0 ? Math.sqrt(s / dx.length) : 0;
}

const corr = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  const r = pearson(a, b);
  return Number.isFinite(r) ? r : 0;
};

function meanRows(rows: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(rows[0]?.length ?? 0);
  for (const r of rows) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (r[i] as number) / rows.length;
  return out;
}

/** The samples' signal `pick` on the window's uniform grid (NaN where a gap is too long). */
function onGrid(samples: readonly TimedMotionSample[], pick: (s: MotionSample) => number, ctx: MotionContext, tEnd: number): Float64Array {
  const o = ctx.options;
  const t = samples.map((s) => s.tSec);
  const x = samples.map((s) => pick(s.sample));
  return resampleUniform(t, x, gridEndingAt(tEnd, o.fs, o.n), o.maxGapSec);
}

/** Analyses a full window ending at `tEnd` s (the caller checks it is full). */
export function analyzeMotion(samples: readonly TimedMotionSample[], ctx: MotionContext, tEnd: number): MotionAnalysis {
  const o = ctx.options;
  const channels = ctx.bank.channels;
  const cols = o.spectrumBins + 2;
  const frozenFraction = samples.length > 1 ? samples.slice(1).filter((s) => s.sample.frozen).length / (samples.length - 1) : 0;
  const empty = (issues: MotionIssue[], low: number | null = null, action: number | null = null): MotionAnalysis => ({
    tEndMs: tEnd * 1000,
    issues,
    map: null,
    rows: channels,
    cols,
    features: null,
    lowRmsPx: low,
    actionRmsPx: action,
    frozenFraction,
  });

  const phase: Float64Array[] = [];
  for (let c = 0; c < channels; c++) {
    const g = onGrid(samples, (s) => s.phase[c] as number, ctx, tEnd);
    if (g.some((v) => Number.isNaN(v))) return empty(['gap']);
    phase.push(detrendLinear(g));
  }
  const map = new Float32Array(channels * cols);
  const lowRms = new Float64Array(channels);
  const actionRms = new Float64Array(channels);
  const bandLow: Float64Array[] = [];
  const bandAction: Float64Array[] = [];
  let centroidNum = 0;
  let centroidDen = 0;
  for (let c = 0; c < channels; c++) {
    const x = phase[c] as Float64Array;
    const spectrum = powerSpectrum(derivative(x, o.fs), o.fs, ctx.plan);
    for (let b = 1; b <= o.spectrumBins; b++) {
      const p = spectrum.power[b] as number;
      map[c * cols + b - 1] = log10(p);
      centroidNum += p * b * spectrum.df;
      centroidDen += p;
    }
    const low = filtfilt(ctx.low, x);
    const action = filtfilt(ctx.action, x);
    bandLow.push(low);
    bandAction.push(action);
    lowRms[c] = rms(low);
    actionRms[c] = rms(action);
    map[c * cols + o.spectrumBins] = log10(lowRms[c] as number);
    map[c * cols + o.spectrumBins + 1] = log10(actionRms[c] as number);
  }
  const lowPx = median(lowRms);
  const actionPx = median(actionRms);
  const issues: MotionIssue[] = [];
  if (frozenFraction > o.maxFrozenFraction) issues.push('frozen');
  if (Math.hypot(lowPx, actionPx) < o.minMotionPx) issues.push('still');
  if (issues.length > 0) return empty(issues, lowPx, actionPx);

  const head = Array.from({ length: HEAD_WIDTH }, (_, k) => onGrid(samples, (s) => s.head[k] as number, ctx, tEnd));
  const parts = Array.from({ length: PARTS_WIDTH }, (_, k) => onGrid(samples, (s) => s.parts[k] as number, ctx, tEnd));
  if ([...head, ...parts].some((g) => g.some((v) => Number.isNaN(v)))) return empty(['gap']);
  const iod = Math.max(1, median(head[2] as Float64Array));
  const hx = (head[0] as Float64Array).map((v) => v / iod);
  const hy = (head[1] as Float64Array).map((v) => v / iod);
  const logScale = (head[2] as Float64Array).map((v) => Math.log(Math.max(v, 1e-3)));
  const part = (k: number): [Float64Array, Float64Array] => [parts[2 * k] as Float64Array, parts[2 * k + 1] as Float64Array];
  const [noseX, noseY] = part(0);
  const [mouthX, mouthY] = part(1);
  const [lEarX, lEarY] = part(2);
  const [rEarX, rEarY] = part(3);

  // Cells: row-major `cells × cells`, channel = 2·cell + dir (dir 1 = vertical).
  const n = ctx.bank.options.cells;
  const vertical = (pick: (cx: number, cy: number) => boolean, source: readonly Float64Array[]): Float64Array =>
    meanRows(source.filter((_, ch) => ch % 2 === 1 && pick(Math.floor(ch / 2) % n, Math.floor(Math.floor(ch / 2) / n))));
  const leftHalf = vertical((cx) => cx < n / 2, bandAction);
  const rightHalf = vertical((cx) => cx >= n / 2, bandAction);
  const bottomRow = vertical((_, cy) => cy === n - 1, phase);

  const values: Record<MotionFeature, number> = {
    motion_low: log10(lowPx),
    motion_action: log10(actionPx),
    action_ratio: log10(actionPx) - log10(lowPx),
    motion_centroid: centroidDen > 0 ? centroidNum / centroidDen / (o.fs / 2) : 0,
    head_vel: log10(trajectoryRms(hx, hy, o.fs, 1)),
    head_acc: log10(trajectoryRms(hx, hy, o.fs, 2)),
    head_jerk: log10(trajectoryRms(hx, hy, o.fs, 3)),
    roll_vel: log10(rms(derivative(head[3] as Float64Array, o.fs))),
    scale_vel: log10(rms(derivative(logScale, o.fs))),
    mouth_vel: log10(trajectoryRms(mouthX, mouthY, o.fs, 1)),
    mouth_acc: log10(trajectoryRms(mouthX, mouthY, o.fs, 2)),
    mouth_jerk: log10(trajectoryRms(mouthX, mouthY, o.fs, 3)),
    nose_vel: log10(trajectoryRms(noseX, noseY, o.fs, 1)),
    ears_vel: log10((trajectoryRms(lEarX, lEarY, o.fs, 1) + trajectoryRms(rEarX, rEarY, o.fs, 1)) / 2),
    symmetry_phase: corr(leftHalf, rightHalf),
    symmetry_ears: corr(derivative(lEarY, o.fs), derivative(rEarY, o.fs)),
    mouth_jaw: corr(derivative(mouthY, o.fs), derivative(bottomRow, o.fs)),
    mouth_head: corr(derivative(mouthY, o.fs), derivative(hy, o.fs)),
    contrast: log10(samples.reduce((s, x) => s + x.sample.amplitude, 0) / Math.max(1, samples.length)),
    frozen: frozenFraction,
  };
  return {
    tEndMs: tEnd * 1000,
    issues: [],
    map,
    rows: channels,
    cols,
    features: Float32Array.from(MOTION_FEATURES, (k) => values[k]),
    lowRmsPx: lowPx,
    actionRmsPx: actionPx,
    frozenFraction,
  };
}
