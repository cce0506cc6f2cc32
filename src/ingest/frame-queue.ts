/**
 * The two queues between ffmpeg and a subscriber, one per backpressure policy (see
 * frame-stream.ts). Both are bounded; they differ in who waits. Pure.
 */
export interface FrameQueue<T> {
  /** Adds an item; returns how many older items were discarded to make room. */
  offer(item: T): number;
  take(): T | undefined;
  readonly size: number;
  /** The producer should stop reading until the queue shrinks. */
  readonly full: boolean;
}

/** Files: never discards; reports `full` at `limit` so the reader stops pulling from ffmpeg. */
export function readAheadQueue<T>(limit: number): FrameQueue<T> {
  const items: T[] = [];
  return {
    offer(item) {
      items.push(item);
      return 0;
    },
    take: () => items.shift(),
    get size() {
      return items.length;
    },
    get full() {
      return items.length >= limit;
    },
  };
}

/** Live: keeps the newest `slots` items; the reader never stops, old frames are dropped. */
export function latestWinsQueue<T>(slots: number): FrameQueue<T> {
  const items: T[] = [];
  return {
    offer(item) {
      items.push(item);
      let dropped = 0;
      while (items.length > slots) {
        items.shift();
        dropped++;
      }
      return dropped;
    },
    take: () => items.shift(),
    get size() {
      return items.length;
    },
    full: false,
  };
}
