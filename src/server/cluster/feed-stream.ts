import type { Redis } from 'ioredis';
import type { ClusterKeys } from './keys.js';
import { afterSeq, entryId, seqOf } from './keys.js';

/**
 * An analysis' feed in Redis: one stream per analysis (`ClusterKeys.feed`), one entry per
 * replayable message (frame, alert, status, sourceGap) with the message's `seq` as entry id and
 * its JSON, serialised once by the worker, as field `m`. `MAXLEN ~ feedMaxLen` bounds memory
 * (older messages are trimmed; a resume from before them is told the range it missed). Overlays
 * are not replayable and do not go through the stream.
 */
export interface StreamEntry {
  readonly seq: number;
  readonly payload: string;
}

/** The worker's side: appends in order on one connection (commands keep their order). */
export class FeedStreamWriter {
  /** XADDs that failed (Redis gone): those messages are missing from the feed, counted. */
  failed = 0;
  private pending: Promise<unknown> = Promise.resolve();
  private detached = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly id: string,
    private readonly maxLen: number,
  ) {}

  add(seq: number, payload: string): void {
    if (this.detached) return;
    this.pending = this.redis.xadd(this.keys.feed(this.id), 'MAXLEN', '~', String(this.maxLen), entryId(seq), 'm', payload).catch(() => {
      this.failed++;
    });
  }

  /** Appends nothing more (the worker leaves the analysis to the one that takes it over). */
  detach(): void {
    this.detached = true;
  }

  /** Waits for every append so far; then keeps the finished feed `ttlS` seconds for late clients. */
  async end(ttlS: number): Promise<void> {
    await this.pending;
    if (this.detached) return;
    await this.redis.expire(this.keys.feed(this.id), ttlS).catch(() => undefined);
    await this.redis.expire(this.keys.detectors(this.id), ttlS).catch(() => undefined);
  }
}

/** The newest message's seq, -1 when the stream is empty or absent. */
export async function lastSeq(redis: Redis, keys: ClusterKeys, id: string): Promise<number> {
  const last = await redis.xrevrange(keys.feed(id), '+', '-', 'COUNT', 1);
  return last[0] ? seqOf(last[0][0]) : -1;
}

/** The oldest seq still held (trimming), -1 when empty. */
export async function firstSeq(redis: Redis, keys: ClusterKeys, id: string): Promise<number> {
  const first = await redis.xrange(keys.feed(id), '-', '+', 'COUNT', 1);
  return first[0] ? seqOf(first[0][0]) : -1;
}

/** At most `count` messages with seq > since, oldest first. */
export async function readAfter(redis: Redis, keys: ClusterKeys, id: string, since: number, count: number): Promise<StreamEntry[]> {
  const start = since < 0 ? '-' : `(${afterSeq(since)}`;
  return toEntries(await redis.xrange(keys.feed(id), start, '+', 'COUNT', count));
}

/** The newest `count` messages, newest first. */
export async function readNewest(redis: Redis, keys: ClusterKeys, id: string, count: number): Promise<StreamEntry[]> {
  return toEntries(await redis.xrevrange(keys.feed(id), '+', '-', 'COUNT', count));
}

/** Blocks up to `blockMs` for messages with seq > since (XREAD BLOCK); [] on timeout. */
export async function blockAfter(redis: Redis, keys: ClusterKeys, id: string, since: number, blockMs: number, count = 256): Promise<StreamEntry[]> {
  const res = await redis.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', keys.feed(id), afterSeq(since));
  return res?.[0] ? toEntries(res[0][1]) : [];
}

function toEntries(raw: [string, string[]][]): StreamEntry[] {
  return raw.flatMap(([id, fields]) => {
    const seq = seqOf(id);
    const i = fields.indexOf('m');
    return Number.isFinite(seq) && i >= 0 && fields[i + 1] !== undefined ? [{ seq, payload: fields[i + 1] as string }] : [];
  });
}
