/**
 * Pairs frame bytes (stdout) with their timestamps (showinfo lines on stderr). The two pipes are
 * read independently, so either side can run ahead; pairing is by order. A frame whose line never
 * arrives (or says NOPTS) gets its neighbour's time plus one frame interval rather than being
 * lost. Pure.
 */

/** A frame before it is numbered: `seq` is given when it is emitted. */
export interface StampedFrame {
  readonly ptsMs: number;
  readonly data: Uint8Array;
}

/** Order-based pairing of frame bytes with their times, tolerant of either side running ahead. */
export class FrameStamper {
  private readonly data: Uint8Array[] = [];
  private readonly times: (number | null)[] = [];
  private lastMs: number | null = null;

  /** `intervalMs` is used only to estimate missing timestamps. */
  constructor(private readonly intervalMs: number) {}

  /** Frames waiting for their timestamp. */
  get waiting(): number {
    return this.data.length;
  }

  addData(frame: Uint8Array): StampedFrame[] {
    this.data.push(frame);
    return this.pair();
  }

  /** `null` = the frame exists but has no timestamp. */
  addTime(ms: number | null): StampedFrame[] {
    this.times.push(ms);
    return this.pair();
  }

  /** At end of stream: stamps the frames whose timestamp never came, by estimation. */
  flush(): StampedFrame[] {
    while (this.times.length < this.data.length) this.times.push(null);
    return this.pair();
  }

  private pair(): StampedFrame[] {
    const out: StampedFrame[] = [];
    while (this.data.length > 0 && this.times.length > 0) {
      const data = this.data.shift() as Uint8Array;
      const t = this.times.shift() ?? null;
      const ptsMs = t ?? (this.lastMs === null ? 0 : this.lastMs + this.intervalMs);
      this.lastMs = ptsMs;
      out.push({ ptsMs, data });
    }
    return out;
  }
}
