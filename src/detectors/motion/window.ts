import { SampleWindow, type WindowReset } from '../biological/sample-window.js';
import { type MotionAnalysis, analyzeMotion } from './analysis.js';
import { type MotionContext, type MotionOptions, createMotionContext } from './options.js';
import type { MotionSample } from './sampler.js';

export interface MotionWindowResult {
  /** `filling`: not a full window yet; `ok`: analysed (`analysis.issues` may still say still/frozen). */
  readonly state: 'filling' | 'ok';
  readonly tEndMs: number;
  /** Fraction of the window covered. */
  readonly fill: number;
  readonly analysis: MotionAnalysis | null;
  readonly resets: number;
  readonly lastReset: WindowReset | null;
}

/**
 * The sliding motion window of one face track (the motion counterpart of rppg/window.ts): keeps
 * the last n/fs seconds of samples and analyses them every `hopSec` of presentation time. Phase
 * cannot be carried across a gap (the face may have moved by more than λ/2), so a stretch longer
 * than `maxGapSec` without the face starts the window over.
 */
export class MotionWindow {
  readonly ctx: MotionContext;
  private readonly window: SampleWindow<MotionSample>;

  constructor(options: Partial<MotionOptions> | MotionContext = {}) {
    this.ctx = 'bank' in options && 'plan' in options ? (options as MotionContext) : createMotionContext(options as Partial<MotionOptions>);
    const o = this.ctx.options;
    this.window = new SampleWindow({ n: o.n, fs: o.fs, hopSec: o.hopSec, maxGapSec: o.maxGapSec });
  }

  /** Samples held (bounded by one window's worth of frames plus one). */
  get size(): number {
    return this.window.samples.length;
  }

  /** Adds one frame (`sample` null: no face). Returns a result when one is due, else null. */
  push(ptsMs: number, sample: MotionSample | null): MotionWindowResult | null {
    const t = SampleWindow.seconds(ptsMs);
    const restarted = this.window.add(t, sample);
    // Due every hopSec, and as soon as the window first fills (not up to a hop later).
    const fillsNow = !this.window.filled && this.isFull(t);
    if (!this.window.emits(t, sample !== null, restarted, fillsNow)) return null;
    return this.result(t);
  }

  reset(): void {
    this.window.restart('manual');
  }

  private isFull(t: number): boolean {
    return this.window.spansWindow(t) && this.window.coverage(t) >= this.ctx.options.minFill;
  }

  private result(t: number): MotionWindowResult {
    const book = { tEndMs: t * 1000, resets: this.window.resets, lastReset: this.window.lastReset };
    if (!this.isFull(t)) return { state: 'filling', fill: this.window.coverage(t), analysis: null, ...book };
    this.window.markFullAnalysed();
    return { state: 'ok', fill: 1, analysis: analyzeMotion(this.window.samples, this.ctx, t), ...book };
  }
}
