/**
 * A reader that owns the buffers a child's stdout is read into (ffmpeg-process.ts reads in place
 * into them; raw-frames.ts is the one used for frames).
 */
export interface StdoutSink {
  /** Where the next bytes go (never empty). */
  target(): Uint8Array;
  /** `n` bytes were written at the start of the last `target()`. */
  wrote(n: number): void;
}

/** Copies a chunk of a plain pipe read into the sink's buffers. */
export function copyIntoSink(sink: StdoutSink, chunk: Uint8Array): void {
  let offset = 0;
  while (offset < chunk.length) {
    const target = sink.target();
    const n = Math.min(target.length, chunk.length - offset);
    target.set(chunk.subarray(offset, offset + n));
    offset += n;
    sink.wrote(n);
  }
}
