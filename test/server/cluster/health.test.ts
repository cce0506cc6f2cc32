import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/schema.js';
import type { ClusterNode } from '../../../src/server/cluster/cluster-node.js';
import { createApiNode } from '../../../src/server/cluster/cluster-node.js';
import { freshDatabase, freshPrefix, skipWithout } from './services.js';
import { TcpProxy } from './tcp-proxy.js';

/**
 * Issue #17: a cluster node whose Redis or database is gone answers /api/health with 503 and the
 * reason, refuses work with a clear 503 instead of crashing, and is healthy again by itself once
 * the dependency is back. The outages are cut TCP forwarders in front of the shared services.
 */
const skip = skipWithout('FAKESCOPE_TEST_REDIS') || skipWithout('FAKESCOPE_TEST_DATABASE');
let redisProxy: TcpProxy;
let pgProxy: TcpProxy;
let api: ClusterNode;
const dataDir = mkdtempSync(join(tmpdir(), 'fakescope-health-'));

interface Health {
  status: string;
  reason?: string;
  dependencies: { redis: { reachable: boolean }; database: { reachable: boolean } };
}
const health = async () => {
  const r = await api.http.inject({ method: 'GET', url: '/api/health' });
  return { code: r.statusCode, body: r.json<Health>() };
};
async function eventually(want: number): Promise<{ code: number; body: Health }> {
  const end = Date.now() + 20_000;
  for (;;) {
    const h = await health();
    if (h.code === want || Date.now() > end) return h;
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  if (skip) return;
  const redis = new URL(process.env.FAKESCOPE_TEST_REDIS as string);
  const db = await freshDatabase(process.env.FAKESCOPE_TEST_DATABASE as string);
  redisProxy = await new TcpProxy(redis.hostname, Number(redis.port)).start();
  pgProxy = await new TcpProxy(new URL(db).hostname, Number(new URL(db).port)).start();
  const config = parseConfig({ server: { port: 0, dataDir, urls: { allowPrivateAddresses: true }, cluster: { prefix: freshPrefix(), healthTimeoutMs: 500 } } });
  api = await createApiNode({ config, urls: { redis: redisProxy.url(redis.toString()), database: pgProxy.url(db) }, detectors: [] });
});
afterAll(async () => {
  await api?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('cluster node health', () => {
  it.skipIf(skip)('is 503 with the reason while Redis is gone, and 200 again by itself when it is back', async () => {
    expect(await health()).toMatchObject({ code: 200, body: { status: 'ok', dependencies: { redis: { reachable: true }, database: { reachable: true } } } });
    await redisProxy.cut();
    const down = await eventually(503);
    expect(down).toMatchObject({ code: 503, body: { status: 'unavailable', reason: expect.stringMatching(/^Redis unreachable/), dependencies: { redis: { reachable: false }, database: { reachable: true } } } });
    // Work is refused with a clear error, not a hang or a crash; its record says why.
    const r = await api.http.inject({ method: 'POST', url: '/api/analyses/url', payload: { url: 'http://127.0.0.1:9/a.mp4' } });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ code: 'E_QUEUE_UNAVAILABLE' });
    const [failed] = (await api.http.inject({ method: 'GET', url: '/api/analyses' })).json<{ analyses: { status: string; error: { code: string } }[] }>().analyses;
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'E_QUEUE_UNAVAILABLE' } });
    await redisProxy.restore();
    expect(await eventually(200)).toMatchObject({ code: 200, body: { status: 'ok' } });
  });

  it.skipIf(skip)('is 503 with the reason while the database is gone, serves 503 E_STORE_UNAVAILABLE, and recovers by itself', async () => {
    await pgProxy.cut();
    const down = await eventually(503);
    expect(down.body.reason).toMatch(/^the database is unreachable/);
    expect(down.body.dependencies).toMatchObject({ redis: { reachable: true }, database: { reachable: false } });
    const list = await api.http.inject({ method: 'GET', url: '/api/analyses' });
    expect(list.statusCode).toBe(503);
    expect(list.json()).toMatchObject({ code: 'E_STORE_UNAVAILABLE', message: expect.stringContaining('cannot be reached') });
    expect(list.headers['retry-after']).toBeDefined();
    await pgProxy.restore();
    expect(await eventually(200)).toMatchObject({ code: 200, body: { status: 'ok' } });
    expect((await api.http.inject({ method: 'GET', url: '/api/analyses' })).statusCode).toBe(200);
  });
});
