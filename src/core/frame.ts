/**
 * A decoded video frame. Frames are immutable values: stages never write into `data`;
 * results about a frame are separate objects keyed by `(streamId, seq)`.
 */
export interface Frame {
  readonly streamId: string;
  /** 0-based index of the frame within the analysed stream (after rate selection). */
  readonly seq: number;
  /** Presentation time in milliseconds from the start of the stream. */
  readonly ptsMs: number;
  readonly width: number;
  readonly height: number;
  /** Packed RGB24, row-major, `width * height * 3` bytes. */
  readonly data: Uint8Array;
}
