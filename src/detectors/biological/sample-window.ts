/**
 * The timekeeping of a biological-signal detector's sliding per-track window (rPPG's PulseWindow,
 * motion's MotionWindow): it keeps the samples of the last n/fs seconds of presentation time, says
 * when an analysis is due (every `hopSec`), and starts over when the signal cannot be carried on:
 * time went back, or a stretch longer than `maxGapSec` passed without a usable sample (a pulse's
 * phase, or a face's position, is lost across it, and interpolation would invent a signal).
 * What a sample is and what an analysis computes belong to the detector.
 */

/** Why the window last started over. */
export type WindowReset = 'gap' | 'face-lost' | 'time-went-back' | 'manual';

/** One usable sample and its presentation time in seconds. */
export interface TimedSample<S> {
  readonly tSec: number;
  readonly sample: S;
}

export interface WindowSpan {
  /** Grid samples per window at `fs`. */
  readonly n: number;
  /** Uniform rate the samples are resampled to, Hz. */
  readonly fs: number;
  readonly hopSec: number;
  readonly maxGapSec: number;
}

export class SampleWindow<S> {
  private timed: TimedSample<S>[] = [];
  private lastSec: number | null = null;
  private lastUsableSec: number | null = null;
  private lastEmitSec: number | null = null;
  private resetCount = 0;
  private lastResetReason: WindowReset | null = null;
  private analysedFull = false;

  constructor(private readonly span: WindowSpan) {}

  /** The usable samples held, oldest first: at most one at or before the window start. */
  get samples(): readonly TimedSample<S>[] {
    return this.timed;
  }

  /** Times the window started over, and why the last time (null if never). */
  get resets(): number {
    return this.resetCount;
  }

  get lastReset(): WindowReset | null {
    return this.lastResetReason;
  }

  /** Whether a full window was analysed since the last restart (see `markFullAnalysed`). */
  get filled(): boolean {
    return this.analysedFull;
  }

  /** A frame's presentation time in seconds; a RangeError when it is not finite. */
  static seconds(ptsMs: number): number {
    const t = ptsMs / 1000;
    if (!Number.isFinite(t)) throw new RangeError(`presentation time must be finite, got ${ptsMs}`);
    return t;
  }

  /**
   * Adds one frame at `t` seconds (`sample` null: no usable face on it). Returns true when the
   * window started over on this frame (time went back, or the gap since the last usable sample
   * was longer than maxGapSec).
   */
  add(t: number, sample: S | null): boolean {
    let restarted = false;
    if (this.lastSec !== null && t < this.lastSec) restarted = this.restart('time-went-back');
    this.lastSec = t;
    if (this.lastUsableSec !== null && t - this.lastUsableSec > this.span.maxGapSec) {
      restarted = this.restart(sample !== null ? 'gap' : 'face-lost');
    }
    if (sample !== null) {
      this.timed.push({ tSec: t, sample });
      this.lastUsableSec = t;
      this.trim(t);
    }
    return restarted;
  }

  /**
   * Whether the frame just added at `t` emits a result: when the window started over on it, or
   * when it was usable and an analysis is due (every hopSec of presentation time, or `early`).
   * A true answer starts the next hop.
   */
  emits(t: number, usable: boolean, restarted: boolean, early = false): boolean {
    const due = this.lastEmitSec === null || t - this.lastEmitSec >= this.span.hopSec - 1e-9 || early;
    if (!restarted && !(usable && due)) return false;
    this.lastEmitSec = t;
    return true;
  }

  /** Starts over; the next result reports `reason`. */
  restart(reason: WindowReset): true {
    this.timed = [];
    this.lastUsableSec = null;
    this.lastEmitSec = null;
    this.analysedFull = false;
    this.resetCount++;
    this.lastResetReason = reason;
    return true;
  }

  /** Whether the samples span a whole window ending at `t`. */
  spansWindow(t: number): boolean {
    const { n, fs } = this.span;
    const first = this.timed[0];
    // One grid step of slack: the resampler holds the edge value that far.
    return first !== undefined && t - first.tSec >= (n - 1) / fs - 1 / fs;
  }

  /** Fraction of a window ending at `t` that the samples cover (0 when there are none). */
  coverage(t: number): number {
    const { n, fs } = this.span;
    const first = this.timed[0];
    return first ? Math.min(1, (t - first.tSec + 1 / fs) / ((n - 1) / fs + 1 / fs)) : 0;
  }

  /** Records that a full window was analysed (until the next restart). */
  markFullAnalysed(): void {
    this.analysedFull = true;
  }

  /** Drops samples before the window start, keeping one at or before it for interpolation. */
  private trim(t: number): void {
    const t0 = t - (this.span.n - 1) / this.span.fs;
    while (this.timed.length > 1 && (this.timed[1] as TimedSample<S>).tSec <= t0) this.timed.shift();
  }
}
