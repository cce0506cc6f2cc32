import type { DescriptorSample } from './steadiness.js';

export interface DescriptorWindowOptions {
  /** A track contributes one descriptor per this many ms (the frame closest after it). */
  readonly sampleMs: number;
  /** Descriptors kept per track (the newest). */
  readonly descriptors: number;
}

/**
 * One track's last descriptors, taken about every `sampleMs` whatever the frame rate: a frame is
 * due when it comes at least `sampleMs` (less 5 ms of timestamp rounding) after the last sample:
 * 30 and 25 fps sample every third frame, 60 fps every sixth, 10 fps every frame. Time going back (a restarted
 * source) empties the window. Pure data structure, no I/O.
 */
export class DescriptorWindow {
  private readonly samples: DescriptorSample[] = [];

  constructor(private readonly o: DescriptorWindowOptions) {}

  /** Whether a frame at `ptsMs` should give this track a descriptor. */
  due(ptsMs: number): boolean {
    const last = this.samples.at(-1);
    if (last && ptsMs < last.ptsMs) this.samples.length = 0;
    const latest = this.samples.at(-1);
    return !latest || ptsMs - latest.ptsMs >= this.o.sampleMs - SLACK_MS;
  }

  push(sample: DescriptorSample): readonly DescriptorSample[] {
    this.samples.push(sample);
    if (this.samples.length > this.o.descriptors) this.samples.shift();
    return this.samples;
  }

  get all(): readonly DescriptorSample[] {
    return this.samples;
  }
}

/** Timestamp rounding: at 30 fps the frame at 99.99 ms meets a 100 ms step. */
const SLACK_MS = 5;
