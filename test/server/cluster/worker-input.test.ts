import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/schema.js';
import { PostgresStore } from '../../../src/server/cluster/postgres-store.js';
import { clusterKeys, QUEUE_NAME } from '../../../src/server/cluster/keys.js';
import { redisConnection } from '../../../src/server/cluster/redis.js';
import { SharedDir } from '../../../src/server/cluster/shared-dir.js';
import { WorkerNode } from '../../../src/server/cluster/worker-node.js';
import { Metrics } from '../../../src/server/metrics.js';
import type { AnalysisInfo } from '../../../src/server/wire.js';
import { freshDatabase, freshPrefix, skipWithout } from './services.js';

/**
 * Issue #17: bad jobs reach a worker — an upload missing from the shared directory, one whose bytes
 * do not match its sha256, a job that is not an analysis job — and each gets a clear error in its
 * record (or the job's failure reason) while the worker goes on taking jobs. The app is never
 * reached, so none is loaded.
 */
const skip = skipWithout('FAKESCOPE_TEST_REDIS') || skipWithout('FAKESCOPE_TEST_DATABASE');
const dir = mkdtempSync(join(tmpdir(), 'fakescope-worker-input-'));
const keys = clusterKeys(freshPrefix());
let store: PostgresStore;
let worker: WorkerNode;
let queue: Queue;
const conns: { disconnect(): void }[] = [];

const record = (id: string): AnalysisInfo => ({
  id, kind: 'upload', input: 'clip.mp4', status: 'starting', createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
  frames: 0, alerts: 0, error: null, verdict: null, media: null, live: false,
});
async function final(id: string): Promise<AnalysisInfo> {
  for (let i = 0; i < 150; i++) {
    const info = await store.get(id);
    if (info && !['starting', 'running'].includes(info.status)) return info;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${id} not final`);
}

beforeAll(async () => {
  if (skip) return;
  store = await PostgresStore.open(await freshDatabase(process.env.FAKESCOPE_TEST_DATABASE as string));
  const url = process.env.FAKESCOPE_TEST_REDIS as string;
  const [redis, bull, qconn] = [redisConnection(url), redisConnection(url, { forBullmq: true }), redisConnection(url, { forBullmq: true })];
  conns.push(redis, bull, qconn);
  const config = parseConfig({ server: { dataDir: dir, cluster: { prefix: keys.prefix } } });
  worker = new WorkerNode({ config, app: {} as App, store, files: new SharedDir(dir), keys, redis, bullmq: bull, metrics: new Metrics(), concurrency: 1 });
  await worker.start();
  queue = new Queue(QUEUE_NAME, { connection: qconn, prefix: keys.prefix });
});
afterAll(async () => {
  if (skip) return;
  await worker.close();
  await queue.close();
  for (const c of conns) c.disconnect();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a worker given bad jobs', () => {
  it.skipIf(skip)('fails an upload missing from the shared directory, and one that does not match its sha256, with the reason', async () => {
    await store.saveInfo(record('missing'));
    await queue.add('analysis', { id: 'missing', kind: 'upload', input: 'a'.repeat(64), display: 'clip.mp4' }, { jobId: 'missing' });
    expect(await final('missing')).toMatchObject({ status: 'failed', error: { code: 'E_INPUT_MISSING', message: expect.stringContaining('is not in the shared directory') } });

    writeFileSync(join(dir, 'uploads', 'b'.repeat(64)), 'not the bytes that were hashed');
    await store.saveInfo(record('damaged'));
    await queue.add('analysis', { id: 'damaged', kind: 'upload', input: 'b'.repeat(64), display: 'clip.mp4' }, { jobId: 'damaged' });
    expect(await final('damaged')).toMatchObject({ status: 'failed', error: { code: 'E_STORE_CORRUPT', message: expect.stringContaining('does not match its sha256') } });
  });

  it.skipIf(skip)('fails a job that is not an analysis job without retrying it, and goes on with the next', async () => {
    const bad = await queue.add('analysis', { id: '../../etc', kind: 'upload' }, { jobId: 'bad', attempts: 3 });
    for (let i = 0; i < 100 && (await bad.getState()) !== 'failed'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await bad.getState()).toBe('failed');
    const failed = await queue.getJob('bad');
    expect(failed?.failedReason).toMatch(/^not an analysis job \(\/\w+ /);
    expect(failed?.attemptsMade).toBe(1);
    await store.saveInfo(record('after'));
    await queue.add('analysis', { id: 'after', kind: 'upload', input: 'c'.repeat(64), display: 'clip.mp4' }, { jobId: 'after' });
    expect((await final('after')).error?.code).toBe('E_INPUT_MISSING');
  });
});
