import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from '../../src/server/cluster/pg-migrations.js';
import { PostgresStore } from '../../src/server/cluster/postgres-store.js';
import { EmbeddedStore } from '../../src/server/embedded-store.js';
import type { Store } from '../../src/server/store-contract.js';
import type { AlertWire, AnalysisInfo } from '../../src/server/wire.js';
import { freshDatabase, skipWithout } from './cluster/services.js';

/**
 * Issue #17: one Store contract, two implementations, this one suite. The PostgreSQL half needs
 * FAKESCOPE_TEST_DATABASE (set by .ci/run; scripts/test-services.sh starts one) and says so when
 * it is absent.
 */
const info = (id: string, over: Partial<AnalysisInfo> = {}): AnalysisInfo => ({
  id, kind: 'upload', input: 'clip.mp4', status: 'running', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  frames: 3, alerts: 0, error: null, verdict: null, media: { width: 160, height: 120, fps: 25, durationMs: 1000 }, live: false, ...over,
});
const alert = (id: string, phase: AlertWire['phase'], n: number): AlertWire => ({
  id: `${id}-a${n}`, analysisId: id, phase, trackId: 1, startSeq: n, startPtsMs: n * 40, endSeq: null, endPtsMs: null,
  peak: { seq: n, ptsMs: n * 40, epistemic: 0.5, z: 5, detector: 'x' }, detectors: ['x'], baseline: { median: 0.1, scale: 0.01 },
});

const pgUrl = process.env.FAKESCOPE_TEST_DATABASE;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const implementations: [string, () => Promise<Store>][] = [
  [
    'embedded (SQLite)',
    async () => {
      const d = mkdtempSync(join(tmpdir(), 'fakescope-contract-'));
      dirs.push(d);
      return new EmbeddedStore(d);
    },
  ],
  ['PostgreSQL', async () => PostgresStore.open(await freshDatabase(pgUrl as string))],
];

describe.each(implementations)('Store contract: %s', (name, open) => {
  const skip = name === 'PostgreSQL' ? skipWithout('FAKESCOPE_TEST_DATABASE') : false;
  let store: Store;
  beforeEach(async () => {
    if (!skip) store = await open();
  });
  afterEach(async () => {
    if (!skip) await store.close();
  });

  it.skipIf(skip)('saves, reads back and replaces a record', async () => {
    expect(await store.get('a1')).toBeNull();
    await store.saveInfo(info('a1'));
    expect(await store.get('a1')).toEqual(info('a1'));
    await store.saveInfo(info('a1', { status: 'done', frames: 9 }));
    expect(await store.get('a1')).toEqual(info('a1', { status: 'done', frames: 9 }));
  });

  it.skipIf(skip)('lists newest first, bounded by limit', async () => {
    await store.saveInfo(info('old', { createdAt: '2026-01-01T00:00:00.000Z' }));
    await store.saveInfo(info('new', { createdAt: '2026-01-03T00:00:00.000Z' }));
    await store.saveInfo(info('mid', { createdAt: '2026-01-02T00:00:00.000Z' }));
    expect((await store.list()).map((i) => i.id)).toEqual(['new', 'mid', 'old']);
    expect((await store.list(2)).map((i) => i.id)).toEqual(['new', 'mid']);
  });

  it.skipIf(skip)('keeps alerts per analysis in append order', async () => {
    await store.saveInfo(info('a'));
    await store.saveInfo(info('b'));
    await store.appendAlert('a', alert('a', 'start', 1));
    await store.appendAlert('b', alert('b', 'start', 1));
    await store.appendAlert('a', alert('a', 'end', 2));
    expect((await store.alerts('a')).map((x) => x.phase)).toEqual(['start', 'end']);
    expect(await store.alerts('b')).toEqual([alert('b', 'start', 1)]);
    expect(await store.alerts('none')).toEqual([]);
    await store.clearAlerts('a');
    expect(await store.alerts('a')).toEqual([]);
    expect(await store.alerts('b')).toHaveLength(1);
  });

  it.skipIf(skip)('records and replaces payload digests', async () => {
    await store.saveInfo(info('a'));
    expect(await store.digest('a', 'report.json')).toBeNull();
    await store.setDigest('a', 'report.json', { size: 10, sha256: 'ab'.repeat(32) });
    await store.setDigest('a', 'report.json', { size: 12, sha256: 'cd'.repeat(32) });
    expect(await store.digest('a', 'report.json')).toEqual({ size: 12, sha256: 'cd'.repeat(32) });
  });

  it.skipIf(skip)('refuses alerts and digests of an unknown analysis with E_NOT_FOUND, bad ids with E_BAD_REQUEST', async () => {
    await expect(store.appendAlert('ghost', alert('ghost', 'start', 1))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(store.setDigest('ghost', 'report.json', { size: 1, sha256: 'x' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(store.get('../etc/passwd')).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(store.saveInfo(info('a b'))).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
  });

  it.skipIf(skip)('answers ping while open', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe('PostgreSQL migrations', () => {
  const skip = skipWithout('FAKESCOPE_TEST_DATABASE');

  it.skipIf(skip)('are versioned, applied once by nodes that start together, and a newer schema is refused', async () => {
    const url = await freshDatabase(pgUrl as string);
    const stores = await Promise.all([PostgresStore.open(url), PostgresStore.open(url), PostgresStore.open(url)]);
    await Promise.all(stores.map((s) => s.close()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>('SELECT version FROM fakescope_schema ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
      await client.query('INSERT INTO fakescope_schema (version) VALUES ($1)', [PG_SCHEMA_VERSION + 1]);
    } finally {
      await client.end();
    }
    await expect(PostgresStore.open(url)).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining(`schema version ${PG_SCHEMA_VERSION + 1}`) });
  });

  it('an unreachable database is E_STORE_UNAVAILABLE with the address, password masked', async () => {
    await expect(PostgresStore.open('postgres://u:secret@127.0.0.1:9/x', { timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'E_STORE_UNAVAILABLE',
      message: expect.stringMatching(/127\.0\.0\.1:9.*cannot be reached/),
    });
    await expect(PostgresStore.open('postgres://u:secret@127.0.0.1:9/x', { timeoutMs: 1000 })).rejects.not.toMatchObject({ message: expect.stringContaining('secret') });
  });
});
