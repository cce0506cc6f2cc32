import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Report } from '../../src/pipeline/report-schema.js';
import type { AnalysisInfo, ServerMsg, SourceGapMsg } from '../../src/server/wire.js';
import type { TestServer } from './helpers.js';
import { camera } from './camera.js';
import { startServer, waitFinal } from './helpers.js';

/**
 * Issue #12, a dropped stream: a live Matroska-over-HTTP camera on 127.0.0.1 that the test can
 * take down (every connection cut, new ones answered 503) and bring back. The analysis must
 * reconnect with back-off, mark the gap in the feed and the report, and go on; a source that
 * never comes back ends `interrupted` with E_SOURCE_LOST, not `done`.
 */
let srv: TestServer;
beforeAll(async () => {
  srv = await startServer({
    server: { urls: { allowPrivateAddresses: true }, feed: { overlayEveryMs: 0 }, reconnect: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 800 } },
    rest: { detectors: [] },
  });
});
afterAll(async () => srv.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function framesReach(id: string, n: number, limitMs = 20_000): Promise<number> {
  const until = Date.now() + limitMs;
  for (;;) {
    const info = (await (await fetch(`${srv.url}/api/analyses/${id}`)).json()) as AnalysisInfo;
    if (info.frames >= n || Date.now() > until) return info.frames;
    await sleep(100);
  }
}

async function startLive(url: string): Promise<{ info: AnalysisInfo; messages: ServerMsg[]; closed: Promise<void> }> {
  const r = await fetch(`${srv.url}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url, live: true }) });
  expect(r.status).toBe(201);
  const info = (await r.json()) as AnalysisInfo;
  expect(info.live).toBe(true);
  const messages: ServerMsg[] = [];
  const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/api/analyses/${info.id}/feed`);
  ws.on('message', (d) => messages.push(JSON.parse(String(d)) as ServerMsg));
  const closed = new Promise<void>((res) => ws.on('close', () => res()));
  return { info, messages, closed };
}

describe('a dropped live source', () => {
  it('reconnects with back-off, marks the gap in the feed and the report, and goes on', async () => {
    const cam = camera();
    await cam.listening;
    try {
      const { info, messages, closed } = await startLive(cam.url());
      expect(await framesReach(info.id, 25)).toBeGreaterThanOrEqual(25);
      cam.drop();
      await sleep(1000);
      const during = ((await (await fetch(`${srv.url}/api/analyses/${info.id}`)).json()) as AnalysisInfo);
      expect(during.status).toBe('running');
      cam.restore();
      const before = during.frames;
      expect(await framesReach(info.id, before + 25)).toBeGreaterThanOrEqual(before + 25);
      await fetch(`${srv.url}/api/analyses/${info.id}/stop`, { method: 'POST' });
      await waitFinal(srv.url, info.id);
      await closed;
      const gaps = messages.filter((m): m is SourceGapMsg => m.type === 'sourceGap').map((m) => m.gap);
      expect(gaps.map((g) => g.phase)).toEqual(['start', 'end']);
      const end = gaps[1] as SourceGapMsg['gap'];
      expect(end.attempts).toBeGreaterThanOrEqual(1);
      expect((end.endPtsMs as number) - end.startPtsMs).toBeGreaterThan(900); // the outage, in media time
      const pts = messages.flatMap((m) => (m.type === 'frame' ? [m.frame.ptsMs] : []));
      expect(pts.every((p, i) => i === 0 || p > (pts[i - 1] as number))).toBe(true);
      const report = (await (await fetch(`${srv.url}/api/analyses/${info.id}/report`)).json()) as Report;
      expect(report.analysis.gaps).toEqual([{ startPtsMs: end.startPtsMs, endPtsMs: end.endPtsMs, reason: end.reason, attempts: end.attempts }]);
    } finally {
      await cam.close();
    }
  });

  it('ends interrupted with E_SOURCE_LOST when the source does not come back', async () => {
    const cam = camera();
    await cam.listening;
    try {
      const { info, messages } = await startLive(cam.url());
      expect(await framesReach(info.id, 10)).toBeGreaterThanOrEqual(10);
      cam.drop();
      await waitFinal(srv.url, info.id, {}, 30_000);
      const final = (await (await fetch(`${srv.url}/api/analyses/${info.id}`)).json()) as AnalysisInfo;
      expect(final.status).toBe('interrupted');
      expect(final.error).toMatchObject({ code: 'E_SOURCE_LOST', message: expect.stringContaining('5 reconnection attempts') });
      expect(messages.some((m) => m.type === 'sourceGap' && m.gap.phase === 'start')).toBe(true);
    } finally {
      await cam.close();
    }
  });
});
