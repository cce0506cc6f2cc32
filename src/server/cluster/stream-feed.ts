import type { Redis } from 'ioredis';
import type { Config } from '../../config/schema.js';
import { FakescopeError, describeError } from '../../errors.js';
import type { FeedClient } from '../feed-client.js';
import type { FeedSource } from '../routes/feed.js';
import type { Store } from '../store-contract.js';
import type { AnalysisInfo, ServerMsg } from '../wire.js';
import { CLOSE, WIRE_VERSION } from '../wire.js';
import { blockAfter, firstSeq, lastSeq, readAfter } from './feed-stream.js';
import { FINAL_STATUSES } from './jobs.js';
import type { ClusterKeys } from './keys.js';

/**
 * The feeds an API node serves from Redis. One `StreamTail` per analysis with clients on this
 * node: a dedicated connection blocks on the analysis' stream (XREAD BLOCK) and hands each new
 * message, already serialised by the worker, to every client. A client that attaches or resumes
 * is first replayed from the stream (XRANGE in batches of `batch`, none while its socket holds
 * more than `feed.lagBytes`), then joins the tail; resume works from any node and after this one
 * restarts, as long as the stream still holds the messages (`cluster.feedMaxLen`). Per client,
 * the slow-client policy is FeedClient's, unchanged.
 */
export class StreamFeeds {
  private readonly tails = new Map<string, StreamTail>();
  private closed = false;
  /** Overlays: one subscriber connection per node, subscribed to the analyses that have tails. */
  private readonly overlays: Redis;

  constructor(
    private readonly deps: { config: Config; store: Store; redis: Redis; keys: ClusterKeys },
  ) {
    this.overlays = deps.redis.duplicate();
    this.overlays.on('error', () => undefined);
    this.overlays.on('message', (channel: string, payload: string) => {
      for (const t of this.tails.values()) if (deps.keys.overlay(t.id) === channel) t.overlay(payload);
    });
  }

  /** The feed of `id`, or null when there is none to replay (unknown, or finished and expired). */
  async open(id: string): Promise<FeedSource | null> {
    if (this.closed) return null;
    const existing = this.tails.get(id);
    if (existing) return existing;
    const { store, redis, keys } = this.deps;
    const info = await store.get(id);
    if (!info) return null;
    let last: number;
    try {
      last = await lastSeq(redis, keys, id);
    } catch (e) {
      throw new FakescopeError('E_QUEUE_UNAVAILABLE', `the feed of ${id} cannot be read from Redis (${describeError(e)})`, { cause: e });
    }
    const final = FINAL_STATUSES.includes(info.status);
    if (last < 0 && final) return null;
    const again = this.tails.get(id); // opened by another client meanwhile
    if (again) return again;
    const detectors = await redis.get(keys.detectors(id)).then((t) => (t ? (JSON.parse(t) as string[]) : []), () => []);
    const overlayKey = keys.overlay(id);
    const tail = new StreamTail(id, info, last, detectors, this.deps, () => {
      this.tails.delete(id);
      void this.overlays.unsubscribe(overlayKey).catch(() => undefined);
    });
    this.tails.set(id, tail);
    if (!tail.isFinal) {
      void this.overlays.subscribe(overlayKey).catch(() => undefined);
      void redis.get(overlayKey).then((p) => p && tail.overlay(p, false), () => undefined);
    }
    return tail;
  }

  /** Closes every client (1001) and every tail's connection. */
  close(): void {
    this.closed = true;
    for (const t of [...this.tails.values()]) t.close();
    this.overlays.disconnect();
  }
}

const BATCH = 64;

class StreamTail implements FeedSource {
  readonly clients = new Set<FeedClient>();
  private delivered: number;
  private latestOverlay: string | null = null;
  private final: boolean;
  private conn: Redis | null = null;
  private ended = false;

  constructor(
    readonly id: string,
    private info: AnalysisInfo,
    last: number,
    private readonly detectors: string[],
    private readonly deps: { config: Config; redis: Redis; keys: ClusterKeys },
    private readonly onEnd: () => void,
  ) {
    this.delivered = last;
    this.final = FINAL_STATUSES.includes(info.status);
    if (!this.final) void this.loop();
  }

  get isFinal(): boolean {
    return this.final;
  }

  /** A new overlay (droppable: the slow-client policy drops it first); `send: false` only keeps it. */
  overlay(payload: string, send = true): void {
    this.latestOverlay = payload;
    if (!send) return;
    // Each client at the rate it asked for (`?overlayEveryMs=`; 0: none), as in one process.
    const pts = overlayPtsMs(payload);
    for (const c of this.clients) {
      if (c.replaying || !c.wantsOverlay(pts)) continue;
      if (c.send(OVERLAY, true, payload)) c.lastOverlayPts = pts;
    }
  }

  attach(client: FeedClient, since: number): void {
    this.clients.add(client);
    client.send({ v: WIRE_VERSION, type: 'hello', analysis: this.info, lastSeq: this.delivered, detectors: [...this.detectors] });
    this.resume(client, since);
  }

  resume(client: FeedClient, since: number): void {
    let from = since;
    if (from > this.delivered) {
      client.send({ v: WIRE_VERSION, type: 'error', code: 'E_RESUME_AHEAD', message: `resume from ${since}: the newest message is ${this.delivered}; resuming from there` });
      from = this.delivered;
    }
    void this.replay(client, from);
  }

  detach(client: FeedClient): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.close();
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    for (const c of this.clients) c.close(CLOSE.goingAway, 'server closing');
    this.clients.clear();
    this.conn?.disconnect();
    this.onEnd();
  }

  /** Replays from the stream until the client has everything the tail has delivered. */
  private async replay(client: FeedClient, since: number): Promise<void> {
    const { redis, keys, config } = this.deps;
    const gen = ++client.replayGen;
    client.replaying = true;
    let cursor = since;
    try {
      for (;;) {
        if (gen !== client.replayGen) return;
        if (!client.isOpen || this.ended) break;
        if (client.bufferedAmount > config.server.feed.lagBytes) {
          await sleep(20);
          continue;
        }
        const entries = await readAfter(redis, keys, this.id, cursor, BATCH);
        const oldest = entries[0]?.seq ?? (entries.length === 0 && cursor < this.delivered ? await firstSeq(redis, keys, this.id) : -1);
        if (oldest > cursor + 1) {
          const gap = { v: WIRE_VERSION, type: 'gap', missedFrom: cursor + 1, missedTo: oldest - 1 } as const;
          client.sendReplayed(gap, JSON.stringify(gap));
          cursor = oldest - 1;
        }
        for (const e of entries) {
          if (!client.sendReplayed(stub(e.seq), e.payload)) break;
          cursor = e.seq;
        }
        // Caught up only when the tail has delivered nothing newer (it skipped this client meanwhile).
        if (entries.length < BATCH && cursor >= this.delivered) break;
      }
    } catch {
      // Redis gone mid-replay: the client is told, and resumes by reconnecting with ?since=.
      client.send({ v: WIRE_VERSION, type: 'error', code: 'E_QUEUE_UNAVAILABLE', message: 'the feed cannot be read from Redis right now; reconnect with ?since= to resume' });
      client.close(CLOSE.goingAway, 'feed unavailable');
      return;
    }
    if (gen !== client.replayGen) return;
    client.replaying = false;
    client.skipThrough = Math.max(cursor, since);
    if (client.isOpen && this.latestOverlay && !this.final && client.overlayEveryMs > 0) client.send(OVERLAY, true, this.latestOverlay);
    if (client.isOpen && this.final) client.close(CLOSE.finished, `analysis ${this.info.status}`);
  }

  /** Blocks on the stream and hands each new message to the clients, until the analysis ends. */
  private async loop(): Promise<void> {
    const { redis, keys, config } = this.deps;
    this.conn = redis.duplicate();
    this.conn.on('error', () => undefined);
    while (!this.ended) {
      let entries;
      try {
        entries = await blockAfter(this.conn, keys, this.id, this.delivered, config.server.cluster.blockMs);
      } catch {
        if (this.ended) return;
        await sleep(500); // Redis gone: ioredis reconnects; clients stay attached
        continue;
      }
      for (const e of entries) {
        this.delivered = e.seq;
        this.observe(e.payload);
        for (const c of this.clients) c.send(stub(e.seq), false, e.payload);
      }
      if (this.final) {
        // Everything is out: clients that are not replaying are closed; replaying ones close when caught up.
        for (const c of this.clients) if (!c.replaying) c.close(CLOSE.finished, `analysis ${this.info.status}`);
        this.conn.disconnect();
        return;
      }
    }
  }

  /** Status messages keep the hello's analysis current and say when the feed ends. */
  private observe(payload: string): void {
    if (!payload.includes('"type":"status"')) return;
    try {
      const m = JSON.parse(payload) as ServerMsg;
      if (m.type !== 'status') return;
      this.info = m.analysis;
      if (FINAL_STATUSES.includes(m.analysis.status)) this.final = true;
    } catch {
      // not ours
    }
  }
}

/** FeedClient only reads `seq` of a message whose JSON it is given. */
function stub(seq: number): ServerMsg {
  return { seq } as unknown as ServerMsg;
}

const OVERLAY = { type: 'overlay' } as unknown as ServerMsg;

/** The media time of a serialised overlay message, read from its head (the image data follows). */
export function overlayPtsMs(payload: string): number {
  const m = /"ptsMs":(-?[0-9.eE+-]+)/.exec(payload.slice(0, 200));
  return m ? Number(m[1]) : 0;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
