import { describe, expect, it } from 'vitest';
import { FeedClient } from '../../src/server/feed-client.js';
import { ReplayBuffer } from '../../src/server/replay-buffer.js';
import type { ServerMsg } from '../../src/server/wire.js';

class FakeSocket {
  bufferedAmount = 0;
  readyState = 1;
  sent: { type: string }[] = [];
  closed: { code: number; reason: string } | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data) as { type: string });
  }
  close(code: number, reason: string) {
    this.closed = { code, reason };
    this.readyState = 3;
  }
}

const frame = (seq: number) => ({ v: 1, type: 'frame', seq }) as unknown as ServerMsg;
const overlay = { v: 1, type: 'overlay', frameSeq: 0, ptsMs: 0, format: 'jpeg', data: '' } as ServerMsg;

describe('FeedClient backpressure', () => {
  it('drops overlays above lagBytes with one lagging notice per episode, keeps frames', () => {
    const s = new FakeSocket();
    const c = new FeedClient(s, { lagBytes: 1000, maxBufferedBytes: 10_000 });
    expect(c.send(overlay, true)).toBe(true);
    s.bufferedAmount = 2000;
    expect(c.send(overlay, true)).toBe(false);
    expect(c.send(overlay, true)).toBe(false);
    expect(c.send(frame(1))).toBe(true);
    expect(s.sent.map((m) => m.type)).toEqual(['overlay', 'lagging', 'frame']);
    expect(c.droppedOverlays).toBe(2);
    s.bufferedAmount = 100; // drained below lagBytes / 2: the episode ends
    expect(c.send(overlay, true)).toBe(true);
    s.bufferedAmount = 5000;
    c.send(overlay, true);
    expect(s.sent.filter((m) => m.type === 'lagging')).toHaveLength(2);
  });

  it('disconnects a hopeless client with 4008 and sends nothing more', () => {
    const s = new FakeSocket();
    const c = new FeedClient(s, { lagBytes: 1000, maxBufferedBytes: 10_000 });
    s.bufferedAmount = 10_001;
    expect(c.send(frame(1))).toBe(false);
    expect(s.closed).toEqual({ code: 4008, reason: 'client too slow' });
    expect(c.send(frame(2))).toBe(false);
    expect(s.sent).toEqual([]);
  });
});

describe('ReplayBuffer', () => {
  it('replays after a sequence number and reports what it no longer holds', () => {
    const b = new ReplayBuffer<{ seq: number }>(3);
    expect(b.since(-1)).toEqual({ missed: null, messages: [] });
    for (let i = 0; i < 5; i++) b.push({ seq: b.nextSeq() });
    expect(b.last).toBe(4);
    expect(b.since(3).messages.map((m) => m.seq)).toEqual([4]);
    expect(b.since(-1)).toEqual({ missed: { from: 0, to: 1 }, messages: [{ seq: 2 }, { seq: 3 }, { seq: 4 }] });
    expect(b.since(4)).toEqual({ missed: null, messages: [] });
    expect(() => b.push({ seq: 4 })).toThrow(RangeError);
  });
});
