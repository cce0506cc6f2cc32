import type { Observable, Subscription } from 'rxjs';
import { Observable as Obs, Subject, concat, defer, of } from 'rxjs';
import { FakescopeError, describeError } from '../errors.js';
import type { Frame } from '../core/frame.js';
import type { VideoSource } from './types.js';

/**
 * A live source that survives its connection dropping: when a decode ends (a camera or server
 * closing, a network error, a stall) it is started again after an exponential back-off
 * (`initialDelayMs · 2^(attempt−1)`, at most `maxDelayMs`) up to `maxAttempts` times in a row. Each
 * outage is reported as a gap — once when it starts (`endPtsMs` null) and once when frames flow
 * again — and the stream goes on as one: `seq` keeps counting, and media time continues across
 * the gap by its wall-clock length, so `ptsMs` stays increasing and the gap is visible in it.
 *
 * A clean end is the real end when `cleanEndIsFinal` (an HLS playlist's `#EXT-X-ENDLIST`);
 * otherwise a live stream that ends has dropped. When the attempts run out the stream errors with
 * E_SOURCE_LOST, naming the first reason and the last failure. Demand credit granted and not yet
 * used carries over to each new decode, so backpressure is unchanged.
 */
export interface ReconnectPolicy {
  /** Attempts per outage; 0 turns reconnection off. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export interface SourceGap {
  readonly phase: 'start' | 'end';
  /** Media time of the last frame before the outage. */
  readonly startPtsMs: number;
  /** Media time of the first frame after it (null while it lasts). */
  readonly endPtsMs: number | null;
  readonly reason: string;
  /** Reconnection attempts it took (0 at start). */
  readonly attempts: number;
}

export interface ReconnectOptions extends ReconnectPolicy {
  readonly cleanEndIsFinal: boolean;
  readonly onGap: (gap: SourceGap) => void;
  /** What messages call the input. */
  readonly display: string;
  readonly now?: () => number;
}

/** The back-off before attempt `n` (1-based). Pure. */
export function backoffMs(policy: ReconnectPolicy, n: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (n - 1));
}

/** `source` whose `frames()` reconnects as described above (unchanged when maxAttempts is 0). */
export function withReconnect(source: VideoSource, opts: ReconnectOptions): VideoSource {
  if (opts.maxAttempts === 0) return source;
  return {
    input: source.input,
    info: source.info,
    width: source.width,
    height: source.height,
    live: source.live,
    stats: () => source.stats(),
    frames: (demand) => reconnectingFrames(source, opts, demand),
  };
}

function reconnectingFrames(source: VideoSource, opts: ReconnectOptions, demand?: Observable<number>): Observable<Frame> {
  const now = opts.now ?? (() => performance.now());
  return new Obs<Frame>((sub) => {
    let outstanding = 0; // credit granted and not yet used
    const relay = new Subject<number>();
    const demandSub = demand?.subscribe({
      next: (n) => {
        outstanding += n;
        relay.next(n);
      },
      error: (e: unknown) => sub.error(e),
    });
    let seq = 0;
    let lastPts: number | null = null;
    let shift = 0;
    let gap: { startPtsMs: number; startedAt: number; reason: string; attempts: number; last: string } | null = null;
    let current: Subscription | null = null;
    let timer: NodeJS.Timeout | undefined;

    const connect = (): void => {
      let first = true;
      const credit = demand ? concat(defer(() => of(outstanding)), relay) : undefined;
      current = source.frames(credit).subscribe({
        next: (f) => {
          if (demand) outstanding--;
          if (first) {
            first = false;
            if (gap) {
              const end = Math.max(gap.startPtsMs + (now() - gap.startedAt), (lastPts ?? 0) + 1);
              shift = end - f.ptsMs;
              opts.onGap({ phase: 'end', startPtsMs: gap.startPtsMs, endPtsMs: end, reason: gap.reason, attempts: gap.attempts });
              gap = null;
            }
          }
          lastPts = f.ptsMs + shift;
          sub.next(Object.freeze<Frame>({ ...f, seq: seq++, ptsMs: lastPts }));
        },
        error: (e: unknown) => dropped(describeError(e)),
        complete: () => (opts.cleanEndIsFinal ? sub.complete() : dropped('the source ended')),
      });
    };

    const dropped = (reason: string): void => {
      current = null;
      if (sub.closed) return;
      if (!gap) {
        gap = { startPtsMs: lastPts ?? 0, startedAt: now(), reason, attempts: 0, last: reason };
        opts.onGap({ phase: 'start', startPtsMs: gap.startPtsMs, endPtsMs: null, reason, attempts: 0 });
      }
      gap.last = reason;
      if (gap.attempts >= opts.maxAttempts) {
        const also = gap.last !== gap.reason ? `; last attempt: ${gap.last}` : '';
        sub.error(new FakescopeError('E_SOURCE_LOST', `${opts.display}: ${gap.reason}, and it did not come back after ${gap.attempts} reconnection attempts${also}`));
        return;
      }
      gap.attempts++;
      timer = setTimeout(connect, backoffMs(opts, gap.attempts));
    };

    connect();
    return () => {
      clearTimeout(timer);
      current?.unsubscribe();
      demandSub?.unsubscribe();
    };
  });
}
