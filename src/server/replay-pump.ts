import type { FeedClient } from './feed-client.js';
import type { ReplayBuffer } from './replay-buffer.js';
import type { ReplayableMsg } from './wire.js';
import { WIRE_VERSION } from './wire.js';

/**
 * Replays an analysis' buffer to one client after `since`, in bounded work: `batch` messages per
 * event-loop turn, and none while the client's socket holds more than `maxAheadBytes` (it is
 * polled every `waitMs`). So a client that asks for the whole buffer again and again, or many
 * clients attaching at once, cannot hold the event loop: each turn does at most `batch` sends
 * of messages serialised once, when they were published.
 *
 * While it runs, the client gets no live replayable messages directly (`client.replaying`); the
 * pump sends them from the buffer in order until it has caught up with the newest, then hands the
 * client back to the live broadcast (`skipThrough` = the last one sent). A newer resume of the
 * same client ends an older pump (`replayGen`). Messages the buffer dropped while the pump was
 * behind are announced with a `gap`, as for a resume from too far back.
 */
export interface PumpOptions {
  readonly batch: number;
  readonly maxAheadBytes: number;
  readonly waitMs: number;
  /** Called once the client has caught up (not when it closed or a newer resume replaced it). */
  readonly onCaughtUp: () => void;
}

export function pumpReplay(client: FeedClient, buffer: ReplayBuffer<ReplayableMsg>, since: number, opts: PumpOptions): void {
  const gen = ++client.replayGen;
  client.replaying = true;
  let cursor = since;
  const step = (): void => {
    if (gen !== client.replayGen) return;
    if (!client.isOpen) {
      client.replaying = false;
      return;
    }
    if (client.bufferedAmount > opts.maxAheadBytes) {
      setTimeout(step, opts.waitMs).unref();
      return;
    }
    const { missed, entries } = buffer.after(cursor, opts.batch);
    if (missed) {
      client.sendReplayed({ v: WIRE_VERSION, type: 'gap', missedFrom: missed.from, missedTo: missed.to }, JSON.stringify({ v: WIRE_VERSION, type: 'gap', missedFrom: missed.from, missedTo: missed.to }));
      cursor = missed.to;
    }
    for (const e of entries) {
      if (!client.sendReplayed(e.msg, e.payload)) break;
      cursor = e.msg.seq;
    }
    if (cursor >= buffer.last || !client.isOpen) {
      client.replaying = false;
      client.skipThrough = Math.max(cursor, since);
      if (client.isOpen) opts.onCaughtUp();
      return;
    }
    setImmediate(step);
  };
  step();
}
