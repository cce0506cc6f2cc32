import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AnalysisInfo, ServerMsg } from '../../src/server/wire.js';
import { tempDir } from '../helpers/media.js';
import { startServer, upload, waitFinal } from './helpers.js';

/**
 * Clients that stop reading. Noisy 720p frames make ~1 MB overlays, so the kernel's socket
 * buffers fill within a few frames and the server's own buffer starts to grow. A lagging client
 * loses overlays (and is told so) but still gets every frame in order; a hopeless one is
 * disconnected with 4008. A normal client of the same analysis is unaffected.
 */
let media: { dir: string; cleanup: () => Promise<void> };
let clip: Uint8Array;

beforeAll(async () => {
  media = await tempDir();
  const path = join(media.dir, 'noisy.mp4');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-t', '2', '-vf', 'noise=alls=80:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]);
  expect(r.status).toBe(0);
  clip = await readFile(path);
});
afterAll(() => media.cleanup());

type Raw = { _socket: { pause(): void; resume(): void } };

async function run(feed: Record<string, number>): Promise<{ slow: ServerMsg[]; slowCode: number; fastFrames: number[]; metrics: string }> {
  const srv = await startServer({ rest: { analysis: { width: 1280 } }, server: { feed: { overlayEveryMs: 1, overlayQuality: 95, ...feed } } });
  try {
    const res = await upload(srv.url, 'noisy.mp4', clip);
    const { id } = (await res.json()) as AnalysisInfo;
    const url = `${srv.url.replace('http', 'ws')}/api/analyses/${id}/feed`;
    const slowWs = new WebSocket(url);
    const slow: ServerMsg[] = [];
    let slowCode = 0;
    slowWs.on('message', (d) => slow.push(JSON.parse(String(d)) as ServerMsg));
    const slowClosed = new Promise<void>((r) => slowWs.on('close', (code) => ((slowCode = code), r())));
    await new Promise<void>((r) => slowWs.on('open', () => r()));
    (slowWs as unknown as Raw)._socket.pause();
    const fast = new WebSocket(url);
    const fastFrames: number[] = [];
    fast.on('message', (d) => {
      const m = JSON.parse(String(d)) as ServerMsg;
      if (m.type === 'frame') fastFrames.push(m.frame.seq);
    });
    const fastClosed = new Promise<void>((r) => fast.on('close', () => r()));
    await waitFinal(srv.url, id, {}, 120_000);
    await fastClosed;
    (slowWs as unknown as Raw)._socket.resume();
    await slowClosed;
    const metrics = await (await fetch(`${srv.url}/api/metrics`)).text();
    return { slow, slowCode, fastFrames, metrics };
  } finally {
    await srv.close();
  }
}

const all = Array.from({ length: 50 }, (_, i) => i);

describe('slow clients', () => {
  it('a lagging client loses overlays first, is told so, and still gets every frame', async () => {
    const r = await run({ lagBytes: 2 * 1024 * 1024, maxBufferedBytes: 64 * 1024 * 1024 });
    expect(r.fastFrames).toEqual(all);
    expect(r.slow.filter((m) => m.type === 'lagging').length).toBeGreaterThan(0);
    expect(r.slow.flatMap((m) => (m.type === 'frame' ? [m.frame.seq] : []))).toEqual(all);
    expect(r.slowCode).toBe(1000);
    expect(r.metrics).toMatch(/fakescope_dropped_total\{stage="overlay"\} [1-9]/);
  });

  it('a hopeless client is disconnected with 4008; the others are unaffected', async () => {
    // maxBufferedBytes below lagBytes: overlays keep flowing until the buffer passes the limit.
    const r = await run({ lagBytes: 3 * 1024 * 1024, maxBufferedBytes: 2 * 1024 * 1024 });
    expect(r.fastFrames).toEqual(all);
    expect(r.slowCode).toBe(4008);
  });
});
