import { type MotionAnalysis, type TimedMotionSample, analyzeMotion } from './analysis.js';
import { type MotionContext, type MotionOptions, createMotionContext } from './options.js';
import type { MotionSample } from './sampler.js';

/** Why the window started over. */
export type MotionReset = 'gap' | 'face-lost' | 'time-went-back' | 'manual';

export interface MotionWindowResult {
  /** `filling`: not a full window yet; `ok`: analysed (`analysis.issues` may still say still/frozen). */
  readonly state: 'filling' | 'ok';
  readonly tEndMs: number;
  /** Fraction of the window covered. */
  readonly fill: number;
  readonly analysis: MotionAnalysis | null;
  readonly resets: number;
  readonly lastReset: MotionReset | null;
}

/**
 * The sliding motion window of one face track (the motion counterpart of rppg/window.ts): keeps
 * the last n/fs seconds of samples and analyses them every `hopSec` of presentation time. Phase
 * cannot be carried across a gap (the face may have moved by more than λ/2), so a stretch longer
 * than `maxGapSec` without the face starts the window over.
 */
export class MotionWindow {
  readonly ctx: MotionContext;
  private samples: TimedMotionSample[] = [];
  private lastSec: number | null = null;
  private lastUsableSec: number | null = null;
  private lastEmitSec: number | null = null;
  private resetCount = 0;
  private lastResetReason: MotionReset | null = null;
  /** Whether a full window was analysed since the last restart. */
  private filled = false;

  constructor(options: Partial<MotionOptions> | MotionContext = {}) {
    this.ctx = 'bank' in options && 'plan' in options ? (options as MotionContext) : createMotionContext(options as Partial<MotionOptions>);
  }

  /** Samples held (bounded by one window's worth of frames plus one). */
  get size(): number {
    return this.samples.length;
  }

  /** Adds one frame (`sample` null: no face). Returns a result when one is due, else null. */
  push(ptsMs: number, sample: MotionSample | null): MotionWindowResult | null {
    const o = this.ctx.options;
    const t = ptsMs / 1000;
    if (!Number.isFinite(t)) throw new RangeError(`presentation time must be finite, got ${ptsMs}`);
    let resetNow = false;
    if (this.lastSec !== null && t < this.lastSec) resetNow = this.restart('time-went-back');
    this.lastSec = t;
    if (this.lastUsableSec !== null && t - this.lastUsableSec > o.maxGapSec) resetNow = this.restart(sample ? 'gap' : 'face-lost');
    if (sample) {
      this.samples.push({ tSec: t, sample });
      this.lastUsableSec = t;
      this.trim(t);
    }
    // Due every hopSec, and as soon as the window first fills (not up to a hop later).
    const fillsNow = !this.filled && this.isFull(t);
    const due = this.lastEmitSec === null || t - this.lastEmitSec >= o.hopSec - 1e-9 || fillsNow;
    if (!resetNow && !(sample && due)) return null;
    this.lastEmitSec = t;
    return this.result(t);
  }

  reset(): void {
    this.restart('manual');
  }

  private restart(reason: MotionReset): true {
    this.samples = [];
    this.lastUsableSec = null;
    this.lastEmitSec = null;
    this.filled = false;
    this.resetCount++;
    this.lastResetReason = reason;
    return true;
  }

  private trim(t: number): void {
    const t0 = t - (this.ctx.options.n - 1) / this.ctx.options.fs;
    while (this.samples.length > 1 && (this.samples[1] as TimedMotionSample).tSec <= t0) this.samples.shift();
  }

  private coverage(t: number): number {
    const o = this.ctx.options;
    const span = (o.n - 1) / o.fs;
    const first = this.samples[0];
    return first ? Math.min(1, (t - first.tSec + 1 / o.fs) / (span + 1 / o.fs)) : 0;
  }

  private isFull(t: number): boolean {
    const o = this.ctx.options;
    const first = this.samples[0];
    // One grid step of slack: the resampler holds the edge value that far.
    return first !== undefined && t - first.tSec >= (o.n - 1) / o.fs - 1 / o.fs && this.coverage(t) >= o.minFill;
  }

  private result(t: number): MotionWindowResult {
    const book = { tEndMs: t * 1000, resets: this.resetCount, lastReset: this.lastResetReason };
    if (!this.isFull(t)) return { state: 'filling', fill: this.coverage(t), analysis: null, ...book };
    this.filled = true;
    return { state: 'ok', fill: 1, analysis: analyzeMotion(this.samples, this.ctx, t), ...book };
  }
}
