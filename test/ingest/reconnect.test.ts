import { Observable, Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Frame } from '../../src/core/frame.js';
import type { SourceGap } from '../../src/ingest/reconnect.js';
import { backoffMs, withReconnect } from '../../src/ingest/reconnect.js';
import type { VideoSource } from '../../src/ingest/types.js';

/** A source whose decodes are scripted: each subscription runs the next script entry. */
function scriptedSource(scripts: ((sub: { next: (pts: number) => void; error: (m: string) => void; complete: () => void }) => void)[]) {
  let n = 0;
  const source = {
    input: 'rtmp://cam/x',
    info: {} as VideoSource['info'],
    width: 2,
    height: 2,
    live: true,
    stats: () => ({ decoded: 0, emitted: 0, dropped: 0 }),
    frames: () =>
      new Observable<Frame>((s) => {
        const script = scripts[n++];
        let seq = 0;
        script?.({
          next: (pts) => s.next({ streamId: 's', seq: seq++, ptsMs: pts, width: 2, height: 2, data: new Uint8Array(12) }),
          error: (m) => s.error(new Error(m)),
          complete: () => s.complete(),
        });
      }),
  } satisfies VideoSource;
  return { source, subscriptions: () => n };
}

let clock = 0;
beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
});
afterEach(() => vi.useRealTimers());

const policy = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 250 };

describe('backoffMs', () => {
  it.each([[1, 100], [2, 200], [3, 250], [8, 250]])('attempt %i waits %i ms', (n, ms) => expect(backoffMs(policy, n)).toBe(ms));
});

describe('withReconnect', () => {
  it('reconnects after a drop, reports the gap and keeps seq and media time going', async () => {
    let later: (() => void) | null = null;
    const { source, subscriptions } = scriptedSource([
      (s) => {
        s.next(0);
        s.next(40);
        s.error('Connection reset by peer');
      },
      (s) => s.error('Connection refused'),
      (s) => {
        later = () => {
          s.next(5000); // the new connection's own clock
          s.next(5040);
          s.complete();
        };
      },
      (s) => s.error('Connection refused'),
      (s) => s.error('Connection refused'),
      (s) => s.error('Connection refused'),
    ]);
    const gaps: SourceGap[] = [];
    const frames: Frame[] = [];
    let error: { code?: string; message?: string } | null = null;
    withReconnect(source, { ...policy, cleanEndIsFinal: false, display: 'cam', onGap: (g) => gaps.push(g), now: () => clock })
      .frames()
      .subscribe({ next: (f) => frames.push(f), error: (e: { code: string; message: string }) => (error = e) });
    expect(gaps).toEqual([{ phase: 'start', startPtsMs: 40, endPtsMs: null, reason: 'Connection reset by peer', attempts: 0 }]);
    clock = 100;
    await vi.advanceTimersByTimeAsync(100); // attempt 1: refused
    expect(subscriptions()).toBe(2);
    clock = 300;
    await vi.advanceTimersByTimeAsync(200); // attempt 2: connects
    (later as unknown as () => void)();
    expect(frames.map((f) => [f.seq, f.ptsMs])).toEqual([[0, 0], [1, 40], [2, 340], [3, 380]]);
    expect(gaps[1]).toEqual({ phase: 'end', startPtsMs: 40, endPtsMs: 340, reason: 'Connection reset by peer', attempts: 2 });
    // the clean end of a live stream is a new drop; three refusals later it is lost
    await vi.advanceTimersByTimeAsync(100 + 200 + 250);
    expect(error).toMatchObject({ code: 'E_SOURCE_LOST', message: expect.stringMatching(/^cam: the source ended, and it did not come back after 3 reconnection attempts; last attempt: Connection refused/) });
  });

  it('ends with the source when a clean end is final (HLS #EXT-X-ENDLIST)', async () => {
    const { source } = scriptedSource([(s) => (s.next(0), s.complete())]);
    const demand = new Subject<number>();
    let done = false;
    const frames: Frame[] = [];
    withReconnect(source, { ...policy, cleanEndIsFinal: true, display: 'x', onGap: () => undefined })
      .frames(demand)
      .subscribe({ next: (f) => frames.push(f), complete: () => (done = true) });
    expect(done).toBe(true);
    expect(frames).toHaveLength(1);
  });

  it('is the source itself when reconnection is off', () => {
    const { source } = scriptedSource([]);
    expect(withReconnect(source, { ...policy, maxAttempts: 0, cleanEndIsFinal: false, display: 'x', onGap: () => undefined })).toBe(source);
  });
});
