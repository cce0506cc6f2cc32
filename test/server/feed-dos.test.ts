import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AnalysisInfo, ServerMsg } from '../../src/server/wire.js';
import type { TestServer } from './helpers.js';
import { startServer } from './helpers.js';
import { liveStreamSource } from './stream-source.js';

/**
 * Issue #12 (4): on a running analysis' feed, 2,000 × resume from -1 held the event loop for
 * 29 s, and 200 clients attaching at once for 7.5–10 s. Health must keep answering within 1 s
 * through both, and a resume from the future must get an answer at once.
 */
let srv: TestServer;
let source: Awaited<ReturnType<typeof liveStreamSource>>;
let info: AnalysisInfo;
let feedUrl = '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls health every 50 ms while `work` runs; resolves to the worst latency seen. */
async function worstHealthDuring(work: () => Promise<void>): Promise<number> {
  let worst = 0;
  let running = true;
  const poll = (async () => {
    while (running) {
      const t = performance.now();
      const r = await fetch(`${srv.url}/api/health`);
      expect(r.status).toBe(200);
      worst = Math.max(worst, performance.now() - t);
      await sleep(50);
    }
  })();
  await work();
  await sleep(1500);
  running = false;
  await poll;
  return worst;
}

function open(url: string): Promise<{ ws: WebSocket; messages: ServerMsg[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const messages: ServerMsg[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d) => messages.push(JSON.parse(String(d)) as ServerMsg));
    ws.on('open', () => resolve({ ws, messages, closed }));
    ws.on('error', reject);
  });
}

beforeAll(async () => {
  source = await liveStreamSource({ width: 160, height: 120, fps: 25, seconds: 40, format: 'matroska' });
  srv = await startServer({ server: { urls: { allowPrivateAddresses: true }, feed: { overlayEveryMs: 0 } }, rest: { detectors: [] } });
  const r = await fetch(`${srv.url}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: source.url }) });
  expect(r.status).toBe(201);
  info = (await r.json()) as AnalysisInfo;
  feedUrl = `${srv.url.replace('http', 'ws')}/api/analyses/${info.id}/feed`;
  for (let i = 0; i < 200; i++) {
    const now = (await (await fetch(`${srv.url}/api/analyses/${info.id}`)).json()) as AnalysisInfo;
    if (now.frames >= 150) break;
    await sleep(100);
  }
});
afterAll(async () => {
  await fetch(`${srv.url}/api/analyses/${info.id}/stop`, { method: 'POST' });
  await srv.close();
  await source.close();
});

describe('feed denial of service', () => {
  it('closes a client flooding resume(-1) (4429) and keeps health under 1 s', async () => {
    const attacker = await open(feedUrl);
    const worst = await worstHealthDuring(async () => {
      for (let i = 0; i < 2000; i++) attacker.ws.send(JSON.stringify({ v: 1, type: 'resume', since: -1 }));
      expect(await attacker.closed).toBe(4429);
    });
    console.log(`resume flood: worst health latency ${worst.toFixed(0)} ms`);
    expect(worst).toBeLessThan(1000);
    expect(attacker.messages.some((m) => m.type === 'error' && m.code === 'E_RATE_LIMITED')).toBe(true);
  });

  it('serves 200 clients attaching at once, health under 1 s, each replay complete and in order', async () => {
    const clients: Awaited<ReturnType<typeof open>>[] = [];
    const worst = await worstHealthDuring(async () => {
      clients.push(...(await Promise.all(Array.from({ length: 200 }, () => open(feedUrl)))));
    });
    console.log(`200 clients: worst health latency ${worst.toFixed(0)} ms`);
    expect(worst).toBeLessThan(1000);
    const over = clients.filter((c) => c.messages.some((m) => m.type === 'error' && m.code === 'E_BUSY'));
    expect(over.length).toBe(100); // server.feed.maxClientsPerAnalysis
    for (const c of clients.filter((x) => !over.includes(x))) {
      expect(c.messages[0]?.type).toBe('hello');
      const seqs = c.messages.flatMap((m) => ('seq' in m ? [m.seq] : []));
      expect(seqs.length).toBeGreaterThan(100);
      expect(seqs.every((s, i) => i === 0 || s === (seqs[i - 1] as number) + 1)).toBe(true);
    }
    for (const c of clients) c.ws.terminate();
  });

  it('answers a resume from a future sequence number at once (E_RESUME_AHEAD) and goes on live', async () => {
    const c = await open(feedUrl);
    await sleep(300);
    const n = c.messages.length;
    c.ws.send(JSON.stringify({ v: 1, type: 'resume', since: 1_000_000 }));
    // Live frames sent before the server read the resume may come first; the answer must follow.
    for (let i = 0; i < 40 && !c.messages.slice(n).some((m) => m.type === 'error'); i++) await sleep(50);
    const after = c.messages.slice(n);
    const answer = after.findIndex((m) => m.type === 'error');
    expect(after[answer]).toMatchObject({ type: 'error', code: 'E_RESUME_AHEAD' });
    for (let i = 0; i < 40 && !after.slice(answer).some((m) => m.type === 'frame'); i++) {
      await sleep(50);
      after.push(...c.messages.slice(n + after.length));
    }
    expect(after.slice(answer).some((m) => m.type === 'frame')).toBe(true);
    c.ws.terminate();
  });

  it('refuses an oversized client message (4400)', async () => {
    const c = await open(feedUrl);
    c.ws.send(JSON.stringify({ v: 1, type: 'ping', pad: 'x'.repeat(4096) }));
    expect(await c.closed).toBe(4400);
  });
});
