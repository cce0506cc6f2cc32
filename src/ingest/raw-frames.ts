import type { StdoutSink } from './stdout-sink.js';
import { copyIntoSink } from './stdout-sink.js';

/**
 * Cuts ffmpeg's rawvideo byte stream into frames. Bytes go straight into the frame being filled:
 * either read there in place (`target()` / `wrote(n)`, a StdoutSink) or
 * copied there from a pipe chunk (`push`), whose reads arrive in chunks (64 KiB on Linux) that
 * ignore frame boundaries. Whole frames wait until taken, so a reader that stops asking holds at
 * most the bytes already read, never extra frames. Every frame is a fresh Uint8Array of its own
 * (never a view of a chunk or of a shared pool): a Frame owns its bytes forever.
 */
export class RawFrameSplitter implements StdoutSink {
  private readonly whole: Uint8Array[] = [];
  private filling: Uint8Array | null = null;
  private filled = 0;

  constructor(readonly frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new RangeError(`bad frame size ${frameBytes}`);
  }

  /** Bytes held that are not yet taken as frames. */
  get pendingBytes(): number {
    return this.whole.length * this.frameBytes + this.filled;
  }

  /** True when `take()` would return a frame. */
  get hasFrame(): boolean {
    return this.whole.length > 0;
  }

  /** The unfilled rest of the frame being filled (a new frame when none is). */
  target(): Uint8Array {
    this.filling ??= new Uint8Array(this.frameBytes);
    return this.filling.subarray(this.filled);
  }

  /** `n` bytes were written at the start of the last `target()`. */
  wrote(n: number): void {
    if (n <= 0) return;
    if (!this.filling || this.filled + n > this.frameBytes) throw new Error('RawFrameSplitter: byte count out of sync');
    this.filled += n;
    if (this.filled === this.frameBytes) {
      this.whole.push(this.filling);
      this.filling = null;
      this.filled = 0;
    }
  }

  /** Copies a chunk in (a plain pipe read). */
  push(chunk: Uint8Array): void {
    copyIntoSink(this, chunk);
  }

  /** The next whole frame, or null when not enough bytes arrived yet. */
  take(): Uint8Array | null {
    return this.whole.shift() ?? null;
  }
}
