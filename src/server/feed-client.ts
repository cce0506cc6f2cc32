import type { ServerMsg } from './wire.js';
import { CLOSE, WIRE_VERSION } from './wire.js';

/** The part of a `ws` WebSocket the feed uses (a fake in unit tests). */
export interface FeedSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string): void;
  close(code: number, reason: string): void;
}

export interface FeedLimits {
  /** Above this many buffered bytes, droppable messages (overlays) are dropped. */
  readonly lagBytes: number;
  /** Above this, the client is hopeless and is disconnected. */
  readonly maxBufferedBytes: number;
}

const OPEN = 1;

/**
 * One WebSocket client of an analysis feed, and its backpressure policy:
 *  - below `lagBytes` buffered: everything is sent;
 *  - when an overlay would take the buffer above `lagBytes`: it is dropped (counted), and the client is sent one `lagging`
 *    notice per episode (an episode ends when the buffer falls below half of `lagBytes`);
 *  - above `maxBufferedBytes`: the socket is closed with 4008; nothing more is queued.
 * Frame, alert and status messages are small and never dropped while the client is kept, so
 * what a client receives is in order and without holes. Per-client memory is bounded by
 * `maxBufferedBytes` plus one message, whatever the client does.
 */
export class FeedClient {
  droppedOverlays = 0;
  /** Messages with `seq` at or below this were already received (resume); they are skipped. */
  skipThrough = -1;
  /**
   * A replay is running (replay-pump.ts): live replayable messages are not sent directly, the
   * pump sends them from the buffer in order; `replayGen` tells a pump a newer resume replaced it.
   */
  replaying = false;
  replayGen = 0;
  /**
   * Overlays this client asked for: at most one per this many ms of media time (0: none). Set from
   * the feed's `?overlayEveryMs=`; LiveAnalysis encodes overlays only while some client wants one.
   */
  overlayEveryMs = 0;
  /** Media time of the last overlay sent to this client. */
  lastOverlayPts: number | null = null;
  private lagging = false;
  private closed = false;

  constructor(
    private readonly socket: FeedSocket,
    private readonly limits: FeedLimits,
  ) {}

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === OPEN;
  }

  /** Whether an overlay of the frame at `ptsMs` is due for this client. */
  wantsOverlay(ptsMs: number): boolean {
    return this.overlayEveryMs > 0 && (this.lastOverlayPts === null || ptsMs - this.lastOverlayPts >= this.overlayEveryMs);
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /**
   * Sends (or drops) one message; returns false when it was not sent. `payload`: `msg` already
   * serialised (broadcasts, replay). Nothing is serialised for a closed socket or a skipped message.
   */
  send(msg: ServerMsg, droppable = false, payload?: string): boolean {
    if (!this.isOpen) return false;
    if ('seq' in msg && (this.replaying || msg.seq <= this.skipThrough)) return false;
    return this.write(msg, droppable, payload);
  }

  /** A message from the replay pump: sent whatever `replaying` says. */
  sendReplayed(msg: ServerMsg, payload: string): boolean {
    if (!this.isOpen) return false;
    return this.write(msg, false, payload);
  }

  private write(msg: ServerMsg, droppable: boolean, given: string | undefined): boolean {
    const buffered = this.socket.bufferedAmount;
    if (buffered > this.limits.maxBufferedBytes) {
      this.close(CLOSE.tooSlow, 'client too slow');
      return false;
    }
    if (this.lagging && buffered < this.limits.lagBytes / 2) this.lagging = false;
    // Size-aware: one large overlay must not carry the buffer from "fine" straight past the limit.
    const payload = given ?? JSON.stringify(msg);
    if (droppable && buffered + payload.length > this.limits.lagBytes) {
      this.droppedOverlays++;
      if (!this.lagging) {
        this.lagging = true;
        this.socket.send(JSON.stringify({ v: WIRE_VERSION, type: 'lagging', droppedOverlays: this.droppedOverlays, bufferedBytes: buffered }));
      }
      return false;
    }
    this.socket.send(payload);
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close(code, reason);
    } catch {
      // already closing
    }
  }
}
