import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisInfo, ServerMsg } from '../../../src/server/wire.js';
import { tempDir } from '../../helpers/media.js';
import { makeFaceClip } from '../../helpers/synthetic-face.js';
import { startServer, upload } from '../helpers.js';
import { liveStreamSource } from '../stream-source.js';
import { freshDatabase, freshPrefix, skipWithout } from './services.js';

/**
 * Issue #17, end to end: 1 API node and 2 worker processes (the compiled CLI, as an operator runs
 * them) on Redis and PostgreSQL; 6 uploads and 1 live stream; one worker is killed with SIGKILL
 * while it runs the live stream and an upload. All 6 uploads finish with the report of the
 * single-process server (up to timings and the `cluster` note that records the takeover); the
 * live stream goes on on the other worker with a gap in its feed; a WebSocket client on the API
 * node sees frames from both workers and, across a restart of the API node, resumes without
 * losing a message; the stream is then stopped through the API.
 */
const skip = skipWithout('FAKESCOPE_TEST_REDIS') || skipWithout('FAKESCOPE_TEST_DATABASE');
const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const children = new Set<ChildProcess>();
let media: { dir: string; cleanup: () => Promise<void> };
let source: Awaited<ReturnType<typeof liveStreamSource>>;
let cfgPath = '';
let shared = '';
let urls: { redis: string; database: string };

const CONFIG = {
  analysis: { fps: 5 },
  server: {
    urls: { allowPrivateAddresses: true },
    checkpointMs: 200,
    feed: { overlayEveryMs: 1000 },
    reconnect: { maxAttempts: 2, initialDelayMs: 200, maxDelayMs: 500 },
    cluster: { lockMs: 2500, stalledCheckMs: 1000, blockMs: 500 },
  },
};

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function node(role: 'serve' | 'worker', port: number, extra: string[] = []): Promise<ChildProcess> {
  const args = [CLI, role, '--config', cfgPath, '--port', String(port), '--data-dir', shared, '--redis', urls.redis, '--database', urls.database, ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += String(d);
      if (/serving|taking jobs/.test(err)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`${role} exited (${code}): ${err}`)));
  });
  return child;
}

const json = async <T>(url: string, init?: RequestInit): Promise<T> => (await (await fetch(url, init)).json()) as T;

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, limitMs = 90_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The report without what differs between any two runs (wall-clock timings, ids, the cluster note). */
function comparable(report: Record<string, unknown>): unknown {
  const { cluster: _note, ...rest } = report;
  const analysis = { ...(rest.analysis as Record<string, unknown>) };
  for (const k of ['startedAt', 'finishedAt', 'wallMs', 'framesPerSecond']) delete analysis[k];
  const frames = (rest.frames as Record<string, unknown>[]).map(({ timing: _t, streamId: _s, ...f }) => f);
  return { ...rest, analysis, frames };
}

/** A feed client that records every message and can be reconnected with ?since=. */
class FeedRecorder {
  readonly messages: ServerMsg[] = [];
  private ws: WebSocket | null = null;
  closed: Promise<number> = Promise.resolve(0);

  connect(base: string, id: string, since: number): Promise<void> {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/analyses/${id}/feed?since=${since}`);
    this.ws = ws;
    ws.on('message', (d) => this.messages.push(JSON.parse(String(d)) as ServerMsg));
    this.closed = new Promise((r) => ws.on('close', (code) => r(code)));
    return new Promise((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    });
  }

  get lastSeq(): number {
    let last = -1;
    for (const m of this.messages) if ('seq' in m && typeof m.seq === 'number') last = Math.max(last, m.seq);
    return last;
  }

  terminate(): void {
    this.ws?.terminate();
  }
}

beforeAll(async () => {
  if (skip) return;
  if (!existsSync(CLI)) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT });
  media = await tempDir('fakescope-cluster-');
  shared = join(media.dir, 'shared');
  cfgPath = join(media.dir, 'config.json');
  const prefix = freshPrefix();
  writeFileSync(cfgPath, JSON.stringify({ ...CONFIG, server: { ...CONFIG.server, cluster: { ...CONFIG.server.cluster, prefix } } }));
  urls = { redis: process.env.FAKESCOPE_TEST_REDIS as string, database: await freshDatabase(process.env.FAKESCOPE_TEST_DATABASE as string) };
  source = await liveStreamSource({ width: 160, height: 120, fps: 10, seconds: 300, format: 'matroska' });
}, 120_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await source?.close();
  await media?.cleanup();
});

describe('cluster: 1 API node, 2 workers, a worker killed mid-analysis', () => {
  it.skipIf(skip)('finishes every upload with the single-process report, continues the live stream and its feed across the kill and an API restart', async () => {
    // Three clips of drawn faces (moving), each uploaded twice.
    const clips = await Promise.all(
      [0, 1, 2].map((k) =>
        makeFaceClip(join(media.dir, `faces${k}.mp4`), { width: 320, height: 240, fps: 10, frames: 50, at: (i) => [{ cx: 100 + k * 40 + i, cy: 120, size: 48 + k * 6 }] }),
      ),
    );

    // The reference: the single-process server over the same config.
    const { cluster: _c, ...singleServer } = CONFIG.server;
    const single = await startServer({ server: singleServer, rest: { analysis: CONFIG.analysis } });
    const reference: unknown[] = [];
    try {
      for (const clip of clips) {
        const info = await json<AnalysisInfo>(`${single.url}/api/analyses/upload`, { method: 'POST', body: form(clip) });
        await until('the reference', async () => (await json<AnalysisInfo>(`${single.url}/api/analyses/${info.id}`)).status === 'done');
        reference.push(comparable(await json(`${single.url}/api/analyses/${info.id}/report`)));
      }
    } finally {
      await single.close();
    }

    const apiPort = await freePort();
    const api = `http://127.0.0.1:${apiPort}`;
    let apiNode = await node('serve', apiPort);
    const workerPorts = [await freePort(), await freePort()];
    const workers = await Promise.all(workerPorts.map((p) => node('worker', p, ['--concurrency', '2'])));
    const health = (i: number) => json<{ analyses: string[]; node: string }>(`http://127.0.0.1:${workerPorts[i]}/api/health`);

    // The live stream first, then the uploads.
    const live = await json<AnalysisInfo>(`${api}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: source.url, live: true }) });
    const feed = new FeedRecorder();
    await feed.connect(api, live.id, -1);
    await until('live frames on the feed', async () => feed.messages.filter((m) => m.type === 'frame').length >= 3);
    const uploads: AnalysisInfo[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await upload(api, `clip${i}.mp4`, readFileSync(clips[i % 3] as string));
      expect(r.status).toBe(201);
      uploads.push((await r.json()) as AnalysisInfo);
    }

    // Kill the worker that holds the live stream once it is also running an upload.
    const victim = await until('a worker running the live stream and an upload', async () => {
      for (const i of [0, 1]) {
        const h = await health(i);
        if (!h.analyses.includes(live.id)) continue;
        const upload = h.analyses.find((id) => id !== live.id);
        const frames = upload ? (await json<AnalysisInfo>(`${api}/api/analyses/${upload}`)).frames : 0;
        if (upload && frames >= 1 && frames <= 15) return { index: i, upload };
      }
      return null;
    });
    const framesBeforeKill = feed.messages.filter((m) => m.type === 'frame').length;
    expect(framesBeforeKill).toBeGreaterThan(0);
    (workers[victim.index] as ChildProcess).kill('SIGKILL');
    const survivor = 1 - victim.index;
    expect((await json<AnalysisInfo>(`${api}/api/analyses/${victim.upload}`)).status).toBe('running'); // cut off mid-analysis

    // The live stream is taken over by the other worker; its feed marks the gap and goes on.
    await until('the live stream on the other worker', async () => (await health(survivor)).analyses.includes(live.id));
    await until('frames after the takeover', async () => {
      const i = feed.messages.findIndex((m) => m.type === 'sourceGap' && m.gap.phase === 'end');
      return i >= 0 && feed.messages.slice(i).filter((m) => m.type === 'frame').length >= 3;
    });
    const gap = feed.messages.filter((m) => m.type === 'sourceGap');
    expect(gap.map((m) => m.type === 'sourceGap' && m.gap.phase)).toEqual(['start', 'end']);
    expect(gap[0]?.type === 'sourceGap' && gap[0].gap.reason).toBe(`worker lost; continued by ${(await health(survivor)).node}`);

    // Restart the API node mid-stream; the client resumes from its last seq on the new one.
    const before = feed.lastSeq;
    apiNode.kill('SIGTERM');
    await new Promise((r) => apiNode.once('exit', r));
    feed.terminate();
    apiNode = await node('serve', apiPort);
    await feed.connect(api, live.id, before);
    await until('frames after the API restart', async () => feed.lastSeq > before + 5);

    // Every upload finishes, each report equal to the single-process one of its clip.
    for (const [i, u] of uploads.entries()) {
      await until(`upload ${i}`, async () => (await json<AnalysisInfo>(`${api}/api/analyses/${u.id}`)).status === 'done', 120_000);
      const report = await json<Record<string, unknown> & { cluster: { takeovers: { mode: string }[] } }>(`${api}/api/analyses/${u.id}/report`);
      expect(comparable({ ...report, input: { ...(report.input as object), source: 'x' } })).toEqual(
        comparable({ ...(reference[i % 3] as Record<string, unknown>), input: { ...((reference[i % 3] as { input: object }).input), source: 'x' } }),
      );
      if (u.id === victim.upload) expect(report.cluster.takeovers.map((t) => t.mode)).toEqual(['restart']);
    }

    // Stopping through the API reaches the worker that holds the stream now.
    const stop = await fetch(`${api}/api/analyses/${live.id}/stop`, { method: 'POST' });
    expect(stop.status).toBe(202);
    expect(await Promise.race([feed.closed, new Promise((r) => setTimeout(() => r('timeout'), 30_000))])).toBe(1000);
    expect((await json<AnalysisInfo>(`${api}/api/analyses/${live.id}`)).status).toBe('stopped');

    // No message lost: the seqs the client saw, across both workers and both API nodes, are 0..last without a hole.
    const seqs = feed.messages.flatMap((m) => ('seq' in m && typeof m.seq === 'number' ? [m.seq] : []));
    const distinct = [...new Set(seqs)].sort((a, b) => a - b);
    expect(distinct).toEqual(distinct.map((_, i) => i));
    expect(feed.messages.some((m) => m.type === 'gap')).toBe(false);
    expect(feed.messages.filter((m) => m.type === 'overlay').length).toBeGreaterThan(0); // relayed from the workers
    const metrics = await (await fetch(`http://127.0.0.1:${workerPorts[survivor]}/api/metrics`)).text();
    expect(Number(/fakescope_jobs_total\{event="takeover"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2); // the stream and the upload
    const liveReport = await json<{ cluster: { takeovers: { mode: string }[] } }>(`${api}/api/analyses/${live.id}/report`);
    expect(liveReport.cluster.takeovers.map((t) => t.mode)).toEqual(['continue']);
  }, 400_000);
});

function form(path: string): FormData {
  const f = new FormData();
  f.append('video', new Blob([readFileSync(path)]), 'clip.mp4');
  return f;
}
