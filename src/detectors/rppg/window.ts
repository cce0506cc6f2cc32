import { type TimedSample, analyzeWindow, emptyAnalysis } from './analysis.js';
import type { ResetReason, WindowFeatures } from './features.js';
import { type AnalysisContext, type WindowOptions, createAnalysisContext } from './options.js';
import type { RegionSample } from './regions.js';

/**
 * The sliding rPPG window of one face track. Feed it every frame's region sample with the frame's
 * presentation time; it keeps the last `windowSec` of usable samples and analyses them every
 * `hopSec`. A pulse cannot be carried across a gap (the phase is lost and interpolation would
 * invent a waveform), so a stretch longer than `maxGapSec` without a usable face starts the window
 * over, and the next features say so (`lastReset`, `resets`, state `filling`).
 *
 * A sample is usable when its pooled face region is present (enough skin). Short runs of
 * unusable samples are bridged by interpolation inside the analysis.
 */
export class PulseWindow {
  private readonly ctx: AnalysisContext;
  private samples: TimedSample[] = [];
  private lastSec: number | null = null;
  private lastUsableSec: number | null = null;
  private lastEmitSec: number | null = null;
  private resetCount = 0;
  private lastResetReason: ResetReason | null = null;
  private latestFeatures: WindowFeatures | null = null;

  constructor(options: Partial<WindowOptions> | AnalysisContext = {}) {
    this.ctx = isContext(options) ? options : createAnalysisContext(options);
  }

  get options(): WindowOptions {
    return this.ctx.options;
  }

  /** Samples held (bounded by one window's worth of frames plus one). */
  get size(): number {
    return this.samples.length;
  }

  /** The most recently emitted features, or null before the first. */
  get latest(): WindowFeatures | null {
    return this.latestFeatures;
  }

  /**
   * Adds one frame (`sample` null: no usable face on this frame). Returns new features when an
   * analysis was due (every hopSec of presentation time) or the window was just reset, else null.
   */
  push(ptsMs: number, sample: RegionSample | null): WindowFeatures | null {
    const o = this.ctx.options;
    const t = ptsMs / 1000;
    if (!Number.isFinite(t)) throw new RangeError(`presentation time must be finite, got ${ptsMs}`);
    let resetNow = false;
    if (this.lastSec !== null && t < this.lastSec) resetNow = this.restart('time-went-back');
    this.lastSec = t;
    const usable = sample !== null && Number.isFinite(sample.regionRgb[0] as number);
    if (this.lastUsableSec !== null && t - this.lastUsableSec > o.maxGapSec) {
      resetNow = this.restart(usable ? 'gap' : 'face-lost');
    }
    if (usable) {
      this.samples.push({ tSec: t, sample });
      this.lastUsableSec = t;
      this.trim(t);
    }
    const due = this.lastEmitSec === null || t - this.lastEmitSec >= o.hopSec - 1e-9;
    if (!resetNow && !(usable && due)) return null;
    this.lastEmitSec = t;
    this.latestFeatures = this.features(t);
    return this.latestFeatures;
  }

  /** Starts over (e.g. the track was re-identified); the next features report reason 'manual'. */
  reset(): void {
    this.restart('manual');
  }

  private restart(reason: ResetReason): true {
    this.samples = [];
    this.lastUsableSec = null;
    this.lastEmitSec = null;
    this.resetCount++;
    this.lastResetReason = reason;
    return true;
  }

  /** Drops samples before the window start, keeping one at or before it for interpolation. */
  private trim(t: number): void {
    const t0 = t - (this.ctx.n - 1) / this.ctx.options.fs;
    while (this.samples.length > 1 && (this.samples[1] as TimedSample).tSec <= t0) this.samples.shift();
  }

  private features(t: number): WindowFeatures {
    const o = this.ctx.options;
    const bookkeeping = { resets: this.resetCount, lastReset: this.lastResetReason };
    const first = this.samples[0];
    const spanSec = (this.ctx.n - 1) / o.fs;
    // One grid step of slack: the resampler holds the edge value that far.
    const full = first !== undefined && t - first.tSec >= spanSec - 1 / o.fs;
    if (!full) {
      const covered = first ? Math.min(1, (t - first.tSec + 1 / o.fs) / (spanSec + 1 / o.fs)) : 0;
      return { ...analysisPlaceholder(t * 1000, covered), reasons: ['filling'], ...bookkeeping };
    }
    return { ...analyzeWindow(this.samples, this.ctx), ...bookkeeping };
  }
}

function isContext(x: Partial<WindowOptions> | AnalysisContext): x is AnalysisContext {
  return 'filter' in x && 'plan' in x;
}

function analysisPlaceholder(tEndMs: number, fill: number): Omit<WindowFeatures, 'resets' | 'lastReset' | 'reasons'> {
  const { reasons: _reasons, ...empty } = emptyAnalysis(tEndMs, fill, []);
  return { ...empty, state: 'filling' };
}
