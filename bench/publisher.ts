/**
 * The live publisher of `bench:server`, run as its own process (`fork`), so that the analyser's
 * load cannot delay or hide anything it does. It serves a pre-muxed Matroska clip (one frame per
 * cluster) over HTTP on 127.0.0.1 as a live stream: every GET starts a session that writes the
 * header at once and each frame's cluster when its time comes (session start + pts), and stamps
 * each frame with the wall clock (`performance.timeOrigin + performance.now()`, ms since the epoch)
 * at the moment its bytes go to the socket. The bench asks for the stamps over IPC and subtracts
 * them from the time a frame's result arrives on its WebSocket: per-frame latency, not inferred
 * from start times. Sessions are named by the request path (`/s/<name>.mkv`).
 *
 * IPC: sends `{ type: 'ready', base }`; answers `{ type: 'stamps' }` with
 * `{ type: 'stamps', sessions: [{ name, stamps: [[ptsMs, wallMs], …] }] }` in session start order.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { splitClusters } from './ebml.js';

const clip = process.argv[2];
if (!clip) throw new Error('usage: publisher.js CLIP.mkv');
const { header, clusters } = splitClusters(readFileSync(clip));
const wall = () => performance.timeOrigin + performance.now();
const sessions: { name: string; stamps: [number, number][] }[] = [];

const server = createServer((req, res) => {
  const name = /^\/s\/([\w-]+)\.mkv$/.exec(req.url ?? '')?.[1] ?? 'default';
  const session = { name, stamps: [] as [number, number][] };
  sessions.push(session);
  res.writeHead(200, { 'content-type': 'video/x-matroska' });
  res.socket?.setNoDelay(true);
  res.write(header);
  const t0 = performance.now();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const pump = (): void => {
    const now = performance.now();
    while (next < clusters.length && t0 + (clusters[next]?.ptsMs ?? 0) <= now) {
      const c = clusters[next++] as (typeof clusters)[number];
      res.write(c.bytes);
      session.stamps.push([c.ptsMs, wall()]);
    }
    if (next >= clusters.length) {
      res.end();
      return;
    }
    timer = setTimeout(pump, Math.max(0, t0 + (clusters[next]?.ptsMs ?? 0) - performance.now()));
  };
  pump();
  res.on('close', () => clearTimeout(timer));
  req.resume();
});

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('message', (m: { type?: string }) => {
  if (m.type === 'stamps') process.send?.({ type: 'stamps', sessions });
});
process.on('disconnect', () => process.exit(0));
