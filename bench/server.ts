/**
 * `npm run bench:server`: the live server under real-time load, on this machine.
 *
 * - latency: one 720p30 stream published in real time (`ffmpeg -re`, stream copy of a pre-encoded
 *   clip, as growing Matroska over HTTP on 127.0.0.1) is analysed through the server; for every
 *   frame message, frame-in → WS-out = arrival at the WebSocket client − (publisher start + pts).
 *   The publisher's own start-up and the decoder's probing are in the first frames, so p50/p99 are
 *   reported over the frames after the first second, and the first frame separately.
 * - concurrency: N such streams at once (N = 1, 2, 4, 8, … up to --max); a stream "stays real time"
 *   when it delivers ≥ 95 % of its frames and its latency does not grow by more than 1 s from its
 *   second second to its end. Reports the largest N where all streams do.
 *
 * Options (environment): BENCH_CLIP (a face clip instead of the test pattern), BENCH_DETECTORS
 * (e.g. `blind`), BENCH_ANALYSIS_FPS (analyse fewer frames than the stream has), BENCH_SECONDS
 * (default 8), BENCH_MAX_STREAMS (default 8).
 *
 * Publishing is a stream copy, so its CPU cost is small; decoding, face detection and the feed
 * run in this process and its ffmpeg children, as in production. Prints a markdown section.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { builtinRegistry } from '../src/detectors/builtin.js';
import { createServer as createLiveServer } from '../src/server/server.js';

const FPS = 30;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const MAX_STREAMS = Number(process.env.BENCH_MAX_STREAMS ?? 8);
/** BENCH_ANALYSIS_FPS: analyse this many frames per second of each stream (default: every frame). */
const ANALYSIS_FPS = Number(process.env.BENCH_ANALYSIS_FPS ?? 0) || null;
const EXPECTED = SECONDS * (ANALYSIS_FPS ?? FPS);

interface Publisher {
  url: string;
  /** performance.now() when each GET started its ffmpeg. */
  starts: number[];
  close(): Promise<void>;
}

async function publisher(clip: string): Promise<Publisher> {
  const children = new Set<ChildProcess>();
  const starts: number[] = [];
  const server = createServer((req, res) => {
    const ff = spawn('ffmpeg', ['-v', 'error', '-re', '-i', clip, '-c', 'copy', '-f', 'matroska', '-live', '1', '-cluster_time_limit', '100', '-flush_packets', '1', 'pipe:1']);
    children.add(ff);
    starts.push(performance.now());
    res.writeHead(200, { 'content-type': 'video/x-matroska' });
    ff.stdout.pipe(res);
    res.on('close', () => ff.kill('SIGKILL'));
    ff.on('exit', () => children.delete(ff));
    req.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/live.mkv`,
    starts,
    close: async () => {
      for (const c of children) c.kill('SIGKILL');
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface StreamResult {
  frames: number;
  firstMs: number;
  lat: number[];
  growthMs: number;
}

async function analyseStream(base: string, pub: Publisher): Promise<StreamResult> {
  const res = await fetch(`${base}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: pub.url }) });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const arrivals: { pts: number; at: number }[] = [];
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/analyses/${id}/feed`);
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; frame?: { ptsMs: number } };
      if (m.type === 'frame' && m.frame) arrivals.push({ pts: m.frame.ptsMs, at: performance.now() });
    });
    ws.on('close', () => resolve());
    ws.on('error', reject);
  });
  // The decoder's connection is the publisher's last GET (ffprobe's came first).
  const t0 = pub.starts.at(-1) as number;
  const lat = arrivals.map((a) => a.at - t0 - a.pts);
  const steady = lat.filter((_, i) => (arrivals[i]?.pts ?? 0) >= 1000);
  const early = steady.slice(0, ANALYSIS_FPS ?? FPS);
  const late = steady.slice(-(ANALYSIS_FPS ?? FPS));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
  return { frames: arrivals.length, firstMs: lat[0] ?? NaN, lat: steady, growthMs: mean(late) - mean(early) };
}

/** CPU seconds of this process and its waited-for children (Linux /proc/self/stat). */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After "pid (comm) ": state is field 0, so utime/stime/cutime/cstime are 11..14.
  const ticks = [11, 12, 13, 14].reduce((a, i) => a + Number(fields[i] ?? 0), 0);
  return ticks / 100;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fakescope-bench-server-'));
  const clip = join(dir, 'clip720p30.mkv');
  // BENCH_CLIP: a face clip to use instead of the test pattern (scaled to 720p30).
  const input = process.env.BENCH_CLIP ? ['-i', process.env.BENCH_CLIP, '-vf', `scale=1280:720,fps=${FPS}`, '-an'] : ['-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=${FPS}`];
  const enc = spawnSync('ffmpeg', [
    '-v', 'error', '-y', ...input, '-t', String(SECONDS),
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', String(FPS), '-pix_fmt', 'yuv420p', clip,
  ]);
  if (enc.status !== 0) throw new Error(String(enc.stderr));
  // BENCH_DETECTORS=blind,rppg: detector types to run (default none).
  const detectors = (process.env.BENCH_DETECTORS ?? '').split(',').filter(Boolean).map((type) => ({ type }));
  const config = parseConfig({ detectors, analysis: { fps: ANALYSIS_FPS }, server: { port: 0, dataDir: join(dir, 'data'), maxActiveAnalyses: 64, urls: { allowPrivateAddresses: true } } });
  const registry = builtinRegistry();
  const app = buildApp(config, registry);
  await app.start();
  const live = await createLiveServer({ app });
  const base = await live.listen();
  const pubs: Publisher[] = [];
  const out: string[] = [];
  out.push('## Live server (`npm run bench:server`)', '');
  out.push(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start.`);
  out.push(
    `Streams: ${process.env.BENCH_CLIP ? 'a face clip' : 'test pattern (no faces)'} at 1280×720 @ ${FPS} fps, ${SECONDS} s, analysed at width ${config.analysis.width} and ${ANALYSIS_FPS ?? 'every'} ${ANALYSIS_FPS ? 'fps' : 'frame'}, face detection every ${config.faces.detectEvery} frames, detectors: ${detectors.map((d) => d.type).join(', ') || 'none'}, overlays every ${config.server.feed.overlayEveryMs} ms.`,
    '',
  );
  try {
    const one = await publisher(clip);
    pubs.push(one);
    const cpu0 = cpuSeconds();
    const r = await analyseStream(base, one);
    await one.close(); // its ffmpeg children exit and are counted in cutime/cstime
    await new Promise((res) => setTimeout(res, 300));
    const coresPerStream = (cpuSeconds() - cpu0) / SECONDS;
    out.push('| measure | value |', '|---|---|');
    out.push(`| frames received | ${r.frames} / ${EXPECTED} |`);
    out.push(`| first frame: decoder's connection → WS (decoder start-up) | ${r.firstMs.toFixed(0)} ms |`);
    out.push(`| frame-in → WS-out p50 (after the first second) | ${pct(r.lat, 50).toFixed(1)} ms |`);
    out.push(`| frame-in → WS-out p99 | ${pct(r.lat, 99).toFixed(1)} ms |`);
    const metrics = await (await fetch(`${base}/api/metrics`)).text();
    const sum = Number(/^fakescope_frame_latency_seconds_sum (\S+)$/m.exec(metrics)?.[1]);
    const count = Number(/^fakescope_frame_latency_seconds_count (\S+)$/m.exec(metrics)?.[1]);
    out.push(`| of which in the server: analysis start of a frame → WS send (mean, /api/metrics) | ${((sum / count) * 1000).toFixed(1)} ms |`);
    out.push(`| CPU per stream (this process + its ffmpeg children + publisher, cores) | ${coresPerStream.toFixed(2)} → at most ~${Math.floor(cpus().length / coresPerStream)} streams on ${cpus().length} idle cores |`, '');
    out.push('| concurrent streams | frames received (min) | latency p50 / p99 (worst stream) | latency growth (worst) | real time |', '|---|---|---|---|---|');
    let best = 0;
    for (let n = 1; n <= MAX_STREAMS; n *= 2) {
      const ps = await Promise.all(Array.from({ length: n }, () => publisher(clip)));
      pubs.push(...ps);
      const rs = await Promise.all(ps.map((p) => analyseStream(base, p)));
      const minFrames = Math.min(...rs.map((x) => x.frames));
      const worstP50 = Math.max(...rs.map((x) => pct(x.lat, 50)));
      const worstP99 = Math.max(...rs.map((x) => pct(x.lat, 99)));
      const growth = Math.max(...rs.map((x) => x.growthMs));
      const ok = minFrames >= 0.95 * EXPECTED && growth < 1000;
      if (ok) best = n;
      out.push(`| ${n} | ${minFrames} / ${EXPECTED} | ${worstP50.toFixed(0)} / ${worstP99.toFixed(0)} ms | ${growth.toFixed(0)} ms | ${ok ? 'yes' : 'no'} |`);
      if (!ok) break;
    }
    out.push('', `Largest number of concurrent 720p30 streams that stayed real time: **${best}**.`);
  } finally {
    for (const p of pubs) await p.close();
    await live.close();
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:server failed: ${String(e)}\n`);
  process.exitCode = 1;
});
