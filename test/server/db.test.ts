import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, migrate, openDatabase } from '../../src/server/db.js';
import { AnalysisStore } from '../../src/server/store.js';
import type { AnalysisInfo } from '../../src/server/wire.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'fakescope-db-'));
  dirs.push(d);
  return d;
};
const info = (id: string, over: Partial<AnalysisInfo> = {}): AnalysisInfo => ({
  id, kind: 'upload', input: 'clip.mp4', status: 'done', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  frames: 3, alerts: 1, error: null, verdict: null, media: null, live: false, ...over,
});
const alert = { id: 'a1', analysisId: 'old1', phase: 'start', trackId: 1, startSeq: 3, startPtsMs: 120, endSeq: null, endPtsMs: null, peak: { seq: 3, ptsMs: 120, epistemic: 0.3, z: 9, detector: 'd' }, detectors: ['d'], baseline: { median: 0.01, scale: 0.005 } };

describe('database', () => {
  it('opens in WAL mode at the current schema version, and migrating again is a no-op', () => {
    const path = join(fresh(), 'x.db');
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a database from a newer fakescope instead of writing to it (E_CONFIG)', () => {
    const dir = fresh();
    const db = new Database(join(dir, 'fakescope.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new AnalysisStore(dir)).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });

  it('migrates a plain-files fakescope-data folder on first start: analyses, alerts, report digests', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'analyses', 'old1'), { recursive: true });
    writeFileSync(join(dir, 'analyses', 'old1', 'info.json'), JSON.stringify(info('old1')));
    writeFileSync(join(dir, 'analyses', 'old1', 'alerts.ndjson'), `${JSON.stringify(alert)}\n{"half`);
    writeFileSync(join(dir, 'analyses', 'old1', 'report.json'), '{"input":{}}');
    writeFileSync(join(dir, 'analyses', 'old1', 'frames.ndjson'), '{"seq":0}\n');
    const store = new AnalysisStore(dir);
    expect(store.load().map((i) => i.id)).toEqual(['old1']);
    expect(store.alerts('old1')).toEqual([alert]);
    expect(store.payloadDigest('old1', 'report.json')).toMatchObject({ size: 12 });
    expect(store.reportPath('old1')?.partial).toBe(false);
    expect(readdirSync(join(dir, 'analyses', 'old1')).sort()).toEqual(['frames.ndjson', 'report.json']); // the database holds the rest
    store.close();
    const again = new AnalysisStore(dir);
    expect(again.load().map((i) => i.id)).toEqual(['old1']);
    expect(again.alerts('old1')).toHaveLength(1); // imported once
    again.close();
  });

  it('quarantines a database row that is not an analysis record, and keeps the others', () => {
    const dir = fresh();
    const store = new AnalysisStore(dir);
    store.create(info('good1'));
    store.close();
    const db = new Database(join(dir, 'fakescope.db'));
    db.prepare('INSERT INTO analyses (id, created_at, info) VALUES (?, ?, ?)').run('bad1', 'x', '{"id":"bad1"');
    db.close();
    const again = new AnalysisStore(dir);
    expect(again.load().map((i) => i.id)).toEqual(['good1']);
    expect(again.quarantined).toEqual([{ name: 'bad1', reason: expect.stringMatching(/truncated/), movedTo: null }]);
    again.close();
  });
});
