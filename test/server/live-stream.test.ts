import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AnalysisInfo, FrameMsg } from '../../src/server/wire.js';
import type { TestServer } from './helpers.js';
import { startServer } from './helpers.js';
import { liveStreamSource, rtmpStreamSource } from './stream-source.js';

/**
 * A live stream analysed in real time: ffmpeg `-re` publishes a generated clip as a growing
 * Matroska stream over HTTP on 127.0.0.1; frames must reach the WebSocket at the source's pace
 * (not all at the end) and soon after they were published. (Matroska rather than MPEG-TS: the
 * ingest layer probes MPEG-TS for ffmpeg's full 5 s analyzeduration, twice — see docs/server.md.)
 */
let srv: TestServer;
let source: Awaited<ReturnType<typeof liveStreamSource>>;

beforeAll(async () => {
  source = await liveStreamSource({ width: 320, height: 240, fps: 25, seconds: 5, format: 'matroska' });
  // reconnect off: these sources really end (a publisher per connection would otherwise serve forever).
  srv = await startServer({ server: { urls: { allowPrivateAddresses: true }, feed: { overlayEveryMs: 500 }, reconnect: { maxAttempts: 0 } } });
});
afterAll(async () => {
  await srv.close();
  await source.close();
});

describe('live stream', () => {
  it('analyses a growing HTTP stream in real time', async () => {
    const res = await fetch(`${srv.url}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: source.url }) });
    expect(res.status).toBe(201);
    const info = (await res.json()) as AnalysisInfo;
    const arrivals: { pts: number; at: number }[] = [];
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/api/analyses/${info.id}/feed`);
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as FrameMsg;
        if (m.type === 'frame') arrivals.push({ pts: m.frame.ptsMs, at: performance.now() });
      });
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    expect(arrivals.length).toBeGreaterThanOrEqual(120); // 5 s at 25 fps
    const spread = (arrivals.at(-1)?.at ?? 0) - (arrivals[0]?.at ?? 0);
    expect(spread).toBeGreaterThan(3000); // paced by the source, not a burst at the end
    // Latency: arrival − (decode start of the ffmpeg that fed the analysis + pts); the offset is
    // fixed by the earliest frame so probing and encoder start-up do not count.
    const t0 = source.startedAt.at(-1) as number;
    const lag = arrivals.map((a) => a.at - t0 - a.pts);
    const base = Math.min(...lag);
    const sorted = lag.map((l) => l - base).sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)] as number;
    console.log(`live stream: ${arrivals.length} frames over ${(spread / 1000).toFixed(2)} s, extra latency p50 ${p50.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`);
    expect(p50).toBeLessThan(500);
  });
});

describe('live RTMP stream', () => {
  it('analyses an RTMP stream in real time', async () => {
    const rtmp = await rtmpStreamSource({ width: 320, height: 240, fps: 25, seconds: 5 });
    try {
      const res = await fetch(`${srv.url}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: rtmp.url }) });
      expect(res.status).toBe(201);
      const info = (await res.json()) as AnalysisInfo;
      const arrivals: number[] = [];
      let last: AnalysisInfo | null = null;
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/api/analyses/${info.id}/feed`);
        ws.on('message', (d) => {
          const m = JSON.parse(String(d)) as FrameMsg | { type: 'status'; analysis: AnalysisInfo };
          if (m.type === 'frame') arrivals.push(performance.now());
          if (m.type === 'status') last = m.analysis;
        });
        ws.on('close', () => resolve());
        ws.on('error', reject);
      });
      expect(last).toMatchObject({ status: 'done' });
      // The decoding connection starts its own 5 s publisher after the probe's: most of its frames arrive, paced.
      expect(arrivals.length).toBeGreaterThanOrEqual(75); // ≥ 3 of the 5 s: the RTMP handshake and probe of the decoding connection cost up to ~1 s
      expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(2500);
      expect(rtmp.startedAt.length).toBeGreaterThanOrEqual(2); // probe + decode
      console.log(`live RTMP: ${arrivals.length} frames over ${(((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)) / 1000).toFixed(2)} s`);
    } finally {
      await rtmp.close();
    }
  });
});
