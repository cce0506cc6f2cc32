/**
 * Cuts ffmpeg's rawvideo byte stream into frames. Pipe reads arrive in chunks (64 KiB on Linux)
 * that ignore frame boundaries; the splitter holds them and cuts a frame only when asked, so a
 * reader that stops asking holds at most the bytes already read, never extra frames. Each frame
 * is copied into a fresh Uint8Array: Node's chunk buffers come from shared pools and a Frame must
 * own its bytes forever.
 */
export class RawFrameSplitter {
  private readonly chunks: Uint8Array[] = [];
  private offset = 0; // into chunks[0]
  private buffered = 0;

  constructor(readonly frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new RangeError(`bad frame size ${frameBytes}`);
  }

  /** Bytes held that are not yet part of a cut frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** True when `take()` would return a frame. */
  get hasFrame(): boolean {
    return this.buffered >= this.frameBytes;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next whole frame in a buffer of its own, or null when not enough bytes arrived yet. */
  take(): Uint8Array | null {
    if (!this.hasFrame) return null;
    const out = new Uint8Array(this.frameBytes);
    let filled = 0;
    while (filled < this.frameBytes) {
      const head = this.chunks[0];
      if (!head) throw new Error('RawFrameSplitter: byte count out of sync');
      const n = Math.min(head.length - this.offset, this.frameBytes - filled);
      out.set(head.subarray(this.offset, this.offset + n), filled);
      filled += n;
      this.offset += n;
      if (this.offset === head.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.buffered -= this.frameBytes;
    return out;
  }
}
