import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/pipeline/report-schema.js';
import type { AnalysisInfo } from '../../src/server/wire.js';
import { makeClip, tempDir } from '../helpers/media.js';
import { upload, waitFinal } from './helpers.js';
import { liveStreamSource } from './stream-source.js';

/**
 * Issue #12: the server process is killed with SIGKILL while an analysis appends frames and
 * rewrites its checkpoint, then started again on the same data directory: nothing finished is
 * lost, the cut-off analysis is marked interrupted with its checkpoint and frames readable, and no
 * temporary file is left. Runs the compiled CLI (`dist/`, built by `npm ci`), as an operator would.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const dataDir = mkdtempSync(join(tmpdir(), 'fakescope-crash-'));
let media: { dir: string; cleanup: () => Promise<void> };
let source: Awaited<ReturnType<typeof liveStreamSource>>;
const children = new Set<ChildProcess>();

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function serve(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const config = join(media.dir, 'server.json');
  writeFileSync(config, JSON.stringify({ detectors: [], server: { urls: { allowPrivateAddresses: true }, checkpointMs: 100, feed: { overlayEveryMs: 0 } } }));
  const child = spawn(process.execPath, [CLI, 'serve', '--config', config, '--port', String(port), '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += String(d);
      if (err.includes('serving on')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

beforeAll(async () => {
  if (!existsSync(CLI)) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT });
  media = await tempDir();
  source = await liveStreamSource({ width: 160, height: 120, fps: 25, seconds: 60, format: 'matroska' });
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await source.close();
  await media.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('SIGKILL mid-analysis', () => {
  it('loses nothing finished, marks the cut-off analysis interrupted, and leaves no temp file', async () => {
    let srv = await serve();
    const clip = await readFile(await makeClip(media.dir, { seconds: 1, width: 160, height: 120 }));
    const done = (await (await upload(srv.url, 'done.mp4', clip)).json()) as AnalysisInfo;
    expect((await waitFinal(srv.url, done.id)).status).toBe('done');
    const report = (await (await fetch(`${srv.url}/api/analyses/${done.id}/report`)).json()) as Report;

    const r = await fetch(`${srv.url}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: source.url, live: true }) });
    const running = (await r.json()) as AnalysisInfo;
    for (let i = 0; i < 200; i++) {
      const now = (await (await fetch(`${srv.url}/api/analyses/${running.id}`)).json()) as AnalysisInfo;
      if (now.frames >= 40) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    srv.child.kill('SIGKILL'); // frames are appended and the checkpoint rewritten every 100 ms
    await new Promise((res) => srv.child.once('exit', res));

    srv = await serve();
    const list = ((await (await fetch(`${srv.url}/api/analyses`)).json()) as { analyses: AnalysisInfo[] }).analyses;
    expect(Object.fromEntries(list.map((a) => [a.id, a.status]))).toEqual({ [done.id]: 'done', [running.id]: 'interrupted' });
    expect(list.find((a) => a.id === running.id)?.error?.code).toBe('E_INTERRUPTED');
    const again = await fetch(`${srv.url}/api/analyses/${done.id}/report`);
    expect(again.headers.get('x-fakescope-partial')).toBe('false');
    expect(((await again.json()) as Report).summary).toEqual(report.summary);
    const partial = await fetch(`${srv.url}/api/analyses/${running.id}/report`);
    expect(partial.status).toBe(200);
    expect(partial.headers.get('x-fakescope-partial')).toBe('true');
    const lines = (await (await fetch(`${srv.url}/api/analyses/${running.id}/frames`)).text()).split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(40);
    const parsed = lines.filter((l) => {
      try {
        return JSON.parse(l) !== null;
      } catch {
        return false;
      }
    });
    expect(parsed.length).toBeGreaterThanOrEqual(lines.length - 1); // at most the line being written
    const files = readdirSync(join(dataDir, 'analyses'), { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The database opens, is consistent, and says so too.
    const db = new Database(join(dataDir, 'fakescope.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const row = db.prepare('SELECT info FROM analyses WHERE id = ?').get(running.id) as { info: string };
      expect(JSON.parse(row.info)).toMatchObject({ status: 'interrupted' });
    } finally {
      db.close();
    }
    expect((await fetch(`${srv.url}/api/health`)).status).toBe(200);
    srv.child.kill('SIGTERM');
    await new Promise((res) => srv.child.once('exit', res));
  });
});
