import { describe, expect, it } from 'vitest';
import { FrameStamper } from '../../src/ingest/frame-stamper.js';

const d = (n: number) => new Uint8Array([n]);
const summary = (xs: { ptsMs: number; data: Uint8Array }[]) => xs.map((x) => [x.data[0], x.ptsMs]);

describe('FrameStamper', () => {
  it('pairs by order whichever side arrives first', () => {
    const s = new FrameStamper(40);
    expect(s.addTime(0)).toEqual([]);
    expect(summary(s.addData(d(0)))).toEqual([[0, 0]]);
    expect(s.addData(d(1))).toEqual([]);
    expect(s.addData(d(2))).toEqual([]);
    expect(s.waiting).toBe(2);
    expect(summary(s.addTime(100))).toEqual([[1, 100]]);
    expect(summary(s.addTime(140))).toEqual([[2, 140]]);
    expect(s.waiting).toBe(0);
  });

  it('estimates NOPTS and never-reported times from the previous frame', () => {
    const s = new FrameStamper(40);
    s.addTime(null);
    expect(summary(s.addData(d(0)))).toEqual([[0, 0]]);
    s.addTime(1000);
    s.addData(d(1));
    s.addData(d(2));
    s.addData(d(3));
    expect(summary(s.flush())).toEqual([
      [2, 1040],
      [3, 1080],
    ]);
  });
});
