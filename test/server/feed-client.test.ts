import { describe, expect, it } from 'vitest';
import { FeedClient } from '../../src/server/feed-client.js';
import { TokenBucket } from '../../src/server/rate-limit.js';
import { ReplayBuffer } from '../../src/server/replay-buffer.js';
import { pumpReplay } from '../../src/server/replay-pump.js';
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
  it('wants an overlay only when it asked for them, at most once per its interval of media time', () => {
    const c = new FeedClient(new FakeSocket(), { lagBytes: 1000, maxBufferedBytes: 10_000 });
    expect(c.wantsOverlay(0)).toBe(false); // asked for none
    c.overlayEveryMs = 500;
    expect(c.wantsOverlay(0)).toBe(true);
    c.lastOverlayPts = 0;
    expect(c.wantsOverlay(499)).toBe(false);
    expect(c.wantsOverlay(500)).toBe(true);
  });

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

describe('FeedClient work for a closed socket', () => {
  it('serialises nothing for a closed socket or a skipped message (issue #12: send serialised first)', () => {
    const s = new FakeSocket();
    const c = new FeedClient(s, { lagBytes: 1000, maxBufferedBytes: 10_000 });
    let serialised = 0;
    const counted = { v: 1, type: 'frame', seq: 3, toJSON: () => (serialised++, { v: 1, type: 'frame', seq: 3 }) } as unknown as ServerMsg;
    c.skipThrough = 5;
    expect(c.send(counted)).toBe(false);
    c.skipThrough = -1;
    s.readyState = 3;
    expect(c.send(counted)).toBe(false);
    expect(serialised).toBe(0);
  });
});

describe('TokenBucket', () => {
  it('allows the burst, then the refill rate', () => {
    const b = new TokenBucket(3, 2, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(400)).toBe(false);
    expect(b.take(500)).toBe(true);
    expect(b.take(10_000) && b.take(10_000) && b.take(10_000)).toBe(true);
    expect(b.take(10_000)).toBe(false);
  });
});

describe('pumpReplay', () => {
  const buffer = (n: number, capacity = 1000) => {
    const b = new ReplayBuffer<{ v: 1; type: 'frame'; seq: number }>(capacity);
    for (let i = 0; i < n; i++) b.push({ v: 1, type: 'frame', seq: b.nextSeq() });
    return b;
  };
  const seqs = (s: FakeSocket) => s.sent.flatMap((m) => ('seq' in m ? [(m as unknown as { seq: number }).seq] : []));

  it('sends one batch per turn, holds live messages back, and hands over in order', async () => {
    const b = buffer(200);
    const s = new FakeSocket();
    const c = new FeedClient(s, { lagBytes: 1000, maxBufferedBytes: 1e9 });
    let caughtUp = 0;
    pumpReplay(c, b as never, -1, { batch: 50, maxAheadBytes: 1e9, waitMs: 1, onCaughtUp: () => caughtUp++ });
    expect(s.sent).toHaveLength(50); // bounded work in this turn
    const live = { v: 1, type: 'frame', seq: b.nextSeq() } as const;
    b.push(live);
    expect(c.send(live as unknown as ServerMsg)).toBe(false); // the pump will send it from the buffer
    await new Promise((r) => setTimeout(r, 20));
    expect(seqs(s)).toEqual(Array.from({ length: 201 }, (_, i) => i));
    expect(caughtUp).toBe(1);
    expect(c.replaying).toBe(false);
    expect(c.send({ v: 1, type: 'frame', seq: 201 } as unknown as ServerMsg)).toBe(true);
  });

  it('stops an older pump when the client resumes again', async () => {
    const b = buffer(300);
    const s = new FakeSocket();
    const c = new FeedClient(s, { lagBytes: 1000, maxBufferedBytes: 1e9 });
    pumpReplay(c, b as never, -1, { batch: 10, maxAheadBytes: 1e9, waitMs: 1, onCaughtUp: () => undefined });
    pumpReplay(c, b as never, 289, { batch: 10, maxAheadBytes: 1e9, waitMs: 1, onCaughtUp: () => undefined });
    await new Promise((r) => setTimeout(r, 20));
    expect(seqs(s)).toEqual([...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => 290 + i)]);
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
