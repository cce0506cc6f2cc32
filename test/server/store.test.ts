import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnalysisStore, parseInfo } from '../../src/server/store.js';
import type { AnalysisInfo } from '../../src/server/wire.js';
import { startServer } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'fakescope-store-'));
  dirs.push(d);
  return d;
};
const info = (id: string, over: Partial<AnalysisInfo> = {}): AnalysisInfo => ({
  id, kind: 'upload', input: 'clip.mp4', status: 'done', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  frames: 3, alerts: 0, error: null, verdict: null, media: null, live: false, ...over,
});

/** Issue #12: each of these info.json contents stopped the whole server (or hid its analysis). */
const BAD_RECORDS: [string, string][] = [
  ['null', 'null'], ['empty object', '{}'], ['array', '[]'], ['string', '"x"'], ['empty file', ''],
  ['no createdAt', JSON.stringify({ ...info('bad'), createdAt: undefined })],
  ['truncated', JSON.stringify(info('bad')).slice(0, 40)],
  ['id of another folder', JSON.stringify(info('other'))],
];

describe('AnalysisStore: corrupt records', () => {
  it.each(BAD_RECORDS)('quarantines an info.json that is %s and loads the rest', (_what, text) => {
    const dir = fresh();
    const store = new AnalysisStore(dir);
    store.create(info('good'));
    mkdirSync(join(dir, 'analyses', 'bad'));
    writeFileSync(join(dir, 'analyses', 'bad', 'info.json'), text);
    const loaded = new AnalysisStore(dir);
    expect(loaded.load().map((i) => i.id)).toEqual(['good']);
    expect(loaded.quarantined).toEqual([{ name: 'bad', reason: expect.stringMatching(/^info\.json: /), movedTo: expect.stringContaining('quarantine') }]);
    expect(existsSync(join(dir, 'analyses', 'bad'))).toBe(false);
    expect(readdirSync(join(dir, 'quarantine'))).toHaveLength(1);
  });

  it('quarantines a folder whose name is not an analysis id instead of throwing', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'analyses', 'bad id!'), { recursive: true });
    writeFileSync(join(dir, 'analyses', 'bad id!', 'info.json'), JSON.stringify(info('x')));
    const store = new AnalysisStore(dir);
    expect(store.load()).toEqual([]);
    expect(store.quarantined[0]?.reason).toMatch(/not an analysis id/);
  });

  it('explains why a record is refused', () => {
    expect(() => parseInfo('{"id":"a"', 'a')).toThrow(/truncated/);
    expect(() => parseInfo('{}', 'a')).toThrow(/not an analysis record/);
    expect(parseInfo(JSON.stringify(info('a')), 'a').id).toBe('a');
  });
});

describe('AnalysisStore: report integrity', () => {
  it('records size and sha256 of a final report and refuses a truncated one (E_STORE_CORRUPT)', () => {
    const store = new AnalysisStore(fresh());
    store.create(info('r1'));
    store.saveReport('r1', { big: 'x'.repeat(10_000) }, false);
    const { path } = store.reportPath('r1') ?? { path: '' };
    const digest = store.payloadDigest('r1', 'report.json') ?? { size: -1, sha256: '' };
    expect(digest.size).toBe(readFileSync(path).length);
    expect(digest.sha256).toMatch(/^[0-9a-f]{64}$/);
    truncateSync(path, 5000);
    expect(() => store.reportPath('r1')).toThrow(expect.objectContaining({ code: 'E_STORE_CORRUPT', message: expect.stringMatching(/truncated/) }));
  });

  it('checks a report written before digests by parsing it', () => {
    const dir = fresh();
    const store = new AnalysisStore(dir);
    store.create(info('old'));
    writeFileSync(join(dir, 'analyses', 'old', 'report.json'), '{"input":');
    expect(() => store.reportPath('old')).toThrow(expect.objectContaining({ code: 'E_STORE_CORRUPT' }));
    writeFileSync(join(dir, 'analyses', 'old', 'report.json'), '{"input":{}}');
    expect(store.reportPath('old')?.partial).toBe(false);
  });

  it('removes uploads whose analysis failed or is gone', () => {
    const dir = fresh();
    const store = new AnalysisStore(dir);
    store.create(info('ok1'));
    store.create(info('bad1', { status: 'failed' }));
    for (const id of ['ok1', 'bad1', 'gone1']) writeFileSync(store.uploadPath(id), 'v');
    new AnalysisStore(dir).load();
    expect(readdirSync(join(dir, 'uploads'))).toEqual(['ok1']);
  });
});

describe('server with a corrupt store', () => {
  it('starts, serves the good analyses, reports the quarantined ones in /api/health, answers a damaged report with a coded error', async () => {
    const dir = fresh();
    const store = new AnalysisStore(dir);
    store.create(info('good1'));
    store.saveReport('good1', { input: { source: 'clip.mp4' } }, false);
    store.create(info('cut1'));
    store.saveReport('cut1', { input: { source: 'clip.mp4' }, pad: 'x'.repeat(5000) }, false);
    truncateSync(join(dir, 'analyses', 'cut1', 'report.json'), 100);
    for (const [n, [, text]] of BAD_RECORDS.entries()) {
      mkdirSync(join(dir, 'analyses', `bad${n}`));
      writeFileSync(join(dir, 'analyses', `bad${n}`, 'info.json'), text);
    }
    const srv = await startServer({ dataDir: dir, rest: { detectors: [] } });
    try {
      const health = (await (await fetch(`${srv.url}/api/health`)).json()) as { status: string; store: { quarantined: { name: string }[] } };
      expect(health.status).toBe('degraded');
      expect(health.store.quarantined).toHaveLength(BAD_RECORDS.length);
      expect((await fetch(`${srv.url}/api/analyses/good1/report`)).status).toBe(200);
      const cut = await fetch(`${srv.url}/api/analyses/cut1/report`);
      expect(cut.status).toBe(500);
      expect(await cut.json()).toMatchObject({ code: 'E_STORE_CORRUPT' });
    } finally {
      await srv.close(false);
    }
  });
});
