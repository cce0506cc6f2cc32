import { describe, expect, it } from 'vitest';
import { latestWinsQueue, readAheadQueue } from '../../src/ingest/frame-queue.js';

describe('readAheadQueue', () => {
  it('never drops and reports full at its limit', () => {
    const q = readAheadQueue<number>(2);
    expect(q.offer(1)).toBe(0);
    expect(q.full).toBe(false);
    expect(q.offer(2)).toBe(0);
    expect(q.full).toBe(true);
    expect(q.offer(3)).toBe(0); // over the limit still keeps it: the reader is the one that stops
    expect([q.take(), q.take(), q.take(), q.take()]).toEqual([1, 2, 3, undefined]);
  });
});

describe('latestWinsQueue', () => {
  it('keeps the newest items and counts what it drops', () => {
    const q = latestWinsQueue<number>(2);
    expect([q.offer(1), q.offer(2), q.offer(3), q.offer(4)]).toEqual([0, 0, 1, 1]);
    expect(q.full).toBe(false);
    expect(q.size).toBe(2);
    expect([q.take(), q.take(), q.take()]).toEqual([3, 4, undefined]);
  });
});
