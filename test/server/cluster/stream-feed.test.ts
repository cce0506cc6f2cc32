import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/schema.js';
import { FeedStreamWriter } from '../../../src/server/cluster/feed-stream.js';
import { clusterKeys } from '../../../src/server/cluster/keys.js';
import { redisConnection } from '../../../src/server/cluster/redis.js';
import { StreamFeeds } from '../../../src/server/cluster/stream-feed.js';
import { EmbeddedStore } from '../../../src/server/embedded-store.js';
import { FeedClient } from '../../../src/server/feed-client.js';
import type { AnalysisInfo, ServerMsg } from '../../../src/server/wire.js';
import { freshPrefix, skipWithout } from './services.js';

/**
 * Issue #17: an API node's feed from a Redis stream — replay then live, resume ahead of the newest
 * message, a gap for messages trimmed away, a slow client waited for rather than buffered without
 * bound, and the close once the analysis has ended. Real Redis, a fake socket.
 */
const skip = skipWithout('FAKESCOPE_TEST_REDIS');
const dir = mkdtempSync(join(tmpdir(), 'fakescope-streamfeed-'));
let redis: Redis;
let store: EmbeddedStore;
const keys = clusterKeys(freshPrefix());
const config = parseConfig({ server: { feed: { lagBytes: 4096 }, cluster: { blockMs: 100 } } });

class FakeSocket {
  bufferedAmount = 0;
  readyState = 1;
  readonly sent: ServerMsg[] = [];
  closed: { code: number; reason: string } | null = null;
  send(data: string): void {
    this.sent.push(JSON.parse(data) as ServerMsg);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
}

const info = (id: string, status: AnalysisInfo['status'] = 'running'): AnalysisInfo => ({
  id, kind: 'url', input: 'rtmp://cam', status, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  frames: 0, alerts: 0, error: null, verdict: null, media: null, live: true,
});
const frame = (seq: number) => JSON.stringify({ v: 1, type: 'frame', seq, frame: { seq, ptsMs: seq * 40, width: 1, height: 1, faces: [] } });
const seqs = (s: FakeSocket) => s.sent.flatMap((m) => ('seq' in m ? [m.seq] : []));
const until = async (fn: () => boolean) => {
  for (let i = 0; i < 200 && !fn(); i++) await new Promise((r) => setTimeout(r, 20));
  return fn();
};

beforeAll(() => {
  if (skip) return;
  redis = redisConnection(process.env.FAKESCOPE_TEST_REDIS as string);
  store = new EmbeddedStore(dir);
});
afterAll(async () => {
  if (skip) return;
  redis.disconnect();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('feeds from Redis streams', () => {
  it.skipIf(skip)('replays after since, then delivers live messages in order, then closes when the analysis ends', async () => {
    await store.saveInfo(info('a1'));
    const w = new FeedStreamWriter(redis, keys, 'a1', 1000);
    for (let s = 0; s < 5; s++) w.add(s, frame(s));
    await w.end(60);
    const feeds = new StreamFeeds({ config, store, redis, keys });
    const sock = new FakeSocket();
    const client = new FeedClient(sock, config.server.feed);
    const tail = await feeds.open('a1');
    tail?.attach(client, 1);
    expect(sock.sent[0]).toMatchObject({ type: 'hello', lastSeq: 4 });
    await until(() => seqs(sock).length === 3);
    expect(seqs(sock)).toEqual([2, 3, 4]);
    for (let s = 5; s < 8; s++) w.add(s, frame(s));
    w.add(8, JSON.stringify({ v: 1, type: 'status', seq: 8, analysis: info('a1', 'stopped') }));
    await until(() => sock.closed !== null);
    expect(seqs(sock)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(sock.closed).toEqual({ code: 1000, reason: 'analysis stopped' });
    feeds.close();
  });

  it.skipIf(skip)('tells a resume ahead of the newest message, and a resume from before the trimmed start what it missed', async () => {
    await store.saveInfo(info('a2'));
    const w = new FeedStreamWriter(redis, keys, 'a2', 1000);
    for (let s = 0; s < 10; s++) w.add(s, frame(s));
    await w.end(60);
    await redis.xtrim(keys.feed('a2'), 'MINID', '6-1'); // as MAXLEN ~ does: the oldest are gone
    const feeds = new StreamFeeds({ config, store, redis, keys });
    const tail = await feeds.open('a2');
    const ahead = new FakeSocket();
    tail?.attach(new FeedClient(ahead, config.server.feed), 50);
    expect(ahead.sent[1]).toMatchObject({ type: 'error', code: 'E_RESUME_AHEAD' });
    const behind = new FakeSocket();
    tail?.attach(new FeedClient(behind, config.server.feed), 2);
    await until(() => seqs(behind).length === 4);
    expect(behind.sent.find((m) => m.type === 'gap')).toEqual({ v: 1, type: 'gap', missedFrom: 3, missedTo: 5 });
    expect(seqs(behind)).toEqual([6, 7, 8, 9]);
    feeds.close();
  });

  it.skipIf(skip)('waits for a slow client instead of buffering the replay for it', async () => {
    await store.saveInfo(info('a3'));
    const w = new FeedStreamWriter(redis, keys, 'a3', 1000);
    for (let s = 0; s < 200; s++) w.add(s, frame(s));
    await w.end(60);
    const feeds = new StreamFeeds({ config, store, redis, keys });
    const sock = new FakeSocket();
    sock.bufferedAmount = 10_000; // above feed.lagBytes: nothing more is sent until it drains
    (await feeds.open('a3'))?.attach(new FeedClient(sock, config.server.feed), -1);
    await new Promise((r) => setTimeout(r, 200));
    expect(seqs(sock)).toEqual([]);
    sock.bufferedAmount = 0;
    await until(() => seqs(sock).length === 200);
    expect(seqs(sock)).toEqual([...Array(200).keys()]);
    feeds.close();
  });

  it.skipIf(skip)('has no feed for an unknown analysis or a finished one whose stream expired', async () => {
    const feeds = new StreamFeeds({ config, store, redis, keys });
    expect(await feeds.open('nope')).toBeNull();
    await store.saveInfo(info('a4', 'done'));
    expect(await feeds.open('a4')).toBeNull();
    feeds.close();
  });
});
