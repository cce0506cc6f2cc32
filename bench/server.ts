/**
 * `npm run bench:server`: how many live 720p30 streams this machine analyses in real time, against
 * how many ffmpeg alone decodes in real time to the analysis size (same clip, same run), and the
 * frame-in → WebSocket-out latency of each frame.
 *
 * - Publisher (bench/publisher.ts, its own process): serves a 720p30 H.264 clip as live Matroska
 *   over HTTP on 127.0.0.1, one frame per cluster, each written at session start + pts and stamped
 *   with the wall clock when written. Latency of a frame = arrival of its `frame` message at the
 *   WebSocket client − its publisher stamp (both ms since the epoch on this machine).
 * - Decode-only capacity M: N ffmpeg processes decode N live sessions with the decoder's own
 *   arguments (`decodeArgs`, low-latency input, scale to the analysis size, rgb24 to a pipe that is
 *   drained and counted); latency = frame fully read − its stamp.
 * - Analysis capacity N: N streams posted to the server (`POST /api/analyses/url` with
 *   `"live": true`, as an HTTP live stream must be posted: low-latency decoder flags, latest-wins
 *   slots; reconnection is off so an analysis ends with its publisher session) with the
 *   configured detectors (default: rppg + blind + identity) at every frame, each watched by one WebSocket client.
 * - A stream is real time when it delivers ≥ 95 % of its frames and its latency grows by less than
 *   1 s from its second second to its last. N grows 1, 2, 4, … until a trial fails, then is
 *   bisected. p50/p99 are steady-state: frames with pts ≥ 1 s, all streams of the trial pooled.
 * - cpuPerStream: CPU seconds of this process (server, feed clients) and its ffmpeg children per
 *   second of one analysed stream, the publisher excluded.
 *
 * Environment: BENCH_CLIP (default: the shared 720p face clip, else a test pattern), BENCH_DETECTORS
 * (comma-separated types, `none` for none; default: the config's defaults), BENCH_ANALYSIS_FPS,
 * BENCH_SECONDS (default 8), BENCH_MAX_STREAMS (default 32), BENCH_SKIP_DECODE_ONLY=1,
 * BENCH_CONFIG (JSON merged into the config, e.g. '{"faces":{"detectEvery":6}}'),
 * BENCH_OVERLAY_MS (overlays each client asks for, default 0),
 * BENCH_INPUT_FLAGS (replaces the decoder's low-latency input flags, for measuring them one by one).
 * Prints a markdown section, then, as its last line, one JSON object:
 * `{"streams", "decodeOnlyStreams", "ratio", "latencyP50Ms", "latencyP99Ms", "cpuPerStream", …}`.
 */
import type { ChildProcess } from 'node:child_process';
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config/schema.js';
import { builtinRegistry } from '../src/detectors/builtin.js';
import { analysisSize } from '../src/ingest/analysis-size.js';
import { decodeArgs } from '../src/ingest/decode-args.js';
import { createServer as createLiveServer } from '../src/server/server.js';
import { benchClip } from './clip.js';

const FPS = 30;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const MAX_STREAMS = Number(process.env.BENCH_MAX_STREAMS ?? 32);
const ANALYSIS_FPS = Number(process.env.BENCH_ANALYSIS_FPS ?? 0) || null;
/** BENCH_OVERLAY_MS: the overlays each feed client asks for (default 0: none, a monitoring client that reads results). */
const OVERLAY_MS = Number(process.env.BENCH_OVERLAY_MS ?? 0);
const wall = () => performance.timeOrigin + performance.now();

interface Publisher {
  readonly base: string;
  stamps(): Promise<{ name: string; stamps: [number, number][] }[]>;
  close(): void;
}

async function startPublisher(clip: string): Promise<Publisher> {
  const here = dirname(fileURLToPath(import.meta.url));
  const child: ChildProcess = fork(join(here, 'publisher.js'), [clip], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const base = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { base: string }) => resolve(m.base));
    child.once('exit', (code) => reject(new Error(`publisher exited (${code})`)));
  });
  return {
    base,
    stamps: () =>
      new Promise((resolve) => {
        child.once('message', (m: { sessions: { name: string; stamps: [number, number][] }[] }) => resolve(m.sessions));
        child.send({ type: 'stamps' });
      }),
    close: () => child.kill('SIGKILL'),
  };
}

/** One stream of a trial: when each frame (by pts or by index) arrived. */
interface Arrivals {
  readonly name: string;
  readonly byPts: Map<number, number>;
}

interface StreamStats {
  frames: number;
  lat: number[];
  growthMs: number;
  firstMs: number;
}

/** Latency per frame = arrival − publisher stamp; `byIndex`: match the i-th frame to the i-th stamp. */
function statsFor(arr: Arrivals, stamps: [number, number][], byIndex: boolean): StreamStats {
  const sorted = [...stamps].sort((a, b) => a[0] - b[0]);
  const rows: { pts: number; lat: number }[] = [];
  const idx = new Map(sorted.map(([pts, at]) => [Math.round(pts), at]));
  let i = 0;
  for (const [key, at] of arr.byPts) {
    const stamp = byIndex ? sorted[i++] : ([key, idx.get(Math.round(key)) ?? nearest(sorted, key)] as const);
    const t = stamp?.[1];
    if (!stamp || t === undefined) continue;
    rows.push({ pts: stamp[0], lat: at - t });
  }
  const steady = rows.filter((r) => r.pts >= 1000).map((r) => r.lat);
  const per = ANALYSIS_FPS ?? FPS;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
  return { frames: rows.length, lat: steady, growthMs: mean(steady.slice(-per)) - mean(steady.slice(0, per)), firstMs: rows[0]?.lat ?? NaN };
}

function nearest(sorted: [number, number][], pts: number): number | undefined {
  let best: [number, number] | undefined;
  for (const s of sorted) if (!best || Math.abs(s[0] - pts) < Math.abs(best[0] - pts)) best = s;
  return best && Math.abs(best[0] - pts) < 10 ? best[1] : undefined;
}

async function watchAnalysis(base: string, url: string, name: string): Promise<Arrivals> {
  const res = await fetch(`${base}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url, live: true }) });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const byPts = new Map<number, number>();
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/analyses/${id}/feed?overlayEveryMs=${OVERLAY_MS}`);
    ws.on('message', (d) => {
      const at = wall();
      const text = String(d);
      if (!text.startsWith('{"v":1,"type":"frame"') && !text.includes('"type":"frame"')) return;
      const m = JSON.parse(text) as { type: string; frame?: { ptsMs: number } };
      if (m.type === 'frame' && m.frame) byPts.set(m.frame.ptsMs, at);
    });
    ws.on('close', () => resolve());
    ws.on('error', reject);
  });
  return { name, byPts };
}

function decodeOnlyStream(url: string, name: string, width: number, height: number): Promise<Arrivals> {
  const args = decodeArgs({ ffmpegInput: url, protocolWhitelist: 'http,tcp', streamIndex: null, width, height, timestamps: false, lowLatency: true, ...inputFlags() });
  const ff = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const frameBytes = width * height * 3;
  let bytes = 0;
  let n = 0;
  const byPts = new Map<number, number>();
  ff.stdout.on('data', (c: Buffer) => {
    bytes += c.length;
    const at = wall();
    while ((n + 1) * frameBytes <= bytes) byPts.set(n++, at);
  });
  return new Promise((resolve) => ff.on('close', () => resolve({ name, byPts })));
}

function inputFlags(): { inputFlags?: string[] } {
  const f = process.env.BENCH_INPUT_FLAGS;
  return f === undefined ? {} : { inputFlags: f.split(' ').filter(Boolean) };
}

/** CPU seconds of this process and its waited-for children (Linux /proc/self/stat). */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = [11, 12, 13, 14].reduce((a, i) => a + Number(fields[i] ?? 0), 0);
  return ticks / 100;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

interface Trial {
  n: number;
  ok: boolean;
  minFrames: number;
  p50: number;
  p99: number;
  growth: number;
}

/** Largest n in [1, max] whose trial passes: doubling, then bisection between the last pass and the first failure. */
async function capacity(max: number, run: (n: number) => Promise<Trial>, log: (t: Trial) => void): Promise<Trial | null> {
  let best: Trial | null = null;
  let fail = max + 1;
  for (let n = 1; n <= max; n *= 2) {
    const t = await run(n);
    log(t);
    if (!t.ok) {
      fail = n;
      break;
    }
    best = t;
  }
  let lo = best?.n ?? 0;
  while (fail - lo > 1 && lo > 0) {
    const mid = Math.floor((lo + fail) / 2);
    const t = await run(mid);
    log(t);
    if (t.ok) {
      best = t;
      lo = mid;
    } else fail = mid;
  }
  return best;
}

function trialOf(n: number, stats: StreamStats[], expected: number): Trial {
  const minFrames = Math.min(...stats.map((s) => s.frames));
  const all = stats.flatMap((s) => s.lat);
  const growth = Math.max(...stats.map((s) => s.growthMs));
  return { n, ok: minFrames >= 0.95 * expected && growth < 1000, minFrames, p50: pct(all, 50), p99: pct(all, 99), growth };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fakescope-bench-server-'));
  const load0 = loadavg();
  const shared = benchClip();
  const source = process.env.BENCH_CLIP ?? (shared.kind.startsWith('real') ? shared.path : null);
  const mp4 = join(dir, 'clip.mp4');
  const clip = join(dir, 'clip.mkv');
  const input = source ? ['-i', source, '-vf', `scale=1280:720,fps=${FPS}`, '-an'] : ['-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=${FPS}`];
  // Loop a short clip so every stream lasts SECONDS.
  const enc = spawnSync('ffmpeg', ['-v', 'error', '-y', ...(source ? ['-stream_loop', '-1'] : []), ...input, '-t', String(SECONDS), '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', String(FPS), '-pix_fmt', 'yuv420p', mp4]);
  if (enc.status !== 0) throw new Error(String(enc.stderr));
  const mux = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', mp4, '-c', 'copy', '-f', 'matroska', '-live', '1', '-cluster_size_limit', '1', '-cluster_time_limit', '1', clip]);
  if (mux.status !== 0) throw new Error(String(mux.stderr));

  const detectorEnv = process.env.BENCH_DETECTORS;
  const extra = process.env.BENCH_CONFIG ? (JSON.parse(process.env.BENCH_CONFIG) as Record<string, unknown>) : {};
  const config = parseConfig({
    ...extra,
    ...(detectorEnv === undefined ? {} : { detectors: detectorEnv === 'none' ? [] : detectorEnv.split(',').filter(Boolean).map((type) => ({ type })) }),
    analysis: { ...(extra.analysis as object), fps: ANALYSIS_FPS },
    server: { port: 0, dataDir: join(dir, 'data'), maxActiveAnalyses: 256, urls: { allowPrivateAddresses: true }, reconnect: { maxAttempts: 0 }, ...(extra.server as object) },
  });
  const { width, height } = analysisSize(1280, 720, config.analysis.width);
  const expected = SECONDS * (ANALYSIS_FPS ?? FPS);
  const pub = await startPublisher(clip);
  const app = buildApp(config, builtinRegistry());
  await app.start();
  const live = await createLiveServer({ app });
  const base = await live.listen();
  const out: string[] = [];
  let trialNo = 0;
  const sessionsOf = async (prefix: string) => (await pub.stamps()).filter((s) => s.name.startsWith(prefix));

  const decodeTrial = async (n: number): Promise<Trial> => {
    const prefix = `d${trialNo++}-`;
    const arrs = await Promise.all(Array.from({ length: n }, (_, i) => decodeOnlyStream(`${pub.base}/s/${prefix}${i}.mkv`, `${prefix}${i}`, width, height)));
    const sessions = await sessionsOf(prefix);
    // Decode-only streams decode every frame (no analysis-rate selection).
    return trialOf(n, arrs.map((a) => statsFor(a, sessions.find((s) => s.name === a.name)?.stamps ?? [], true)), SECONDS * FPS);
  };
  const analysisStats = async (n: number): Promise<StreamStats[]> => {
    const prefix = `a${trialNo++}-`;
    const arrs = await Promise.all(Array.from({ length: n }, (_, i) => watchAnalysis(base, `${pub.base}/s/${prefix}${i}.mkv`, `${prefix}${i}`)));
    const sessions = await sessionsOf(prefix);
    // The decoder's connection is the stream's last session (the probe's came first).
    return arrs.map((a) => statsFor(a, sessions.filter((s) => s.name === a.name).at(-1)?.stamps ?? [], false));
  };
  const row = (t: Trial) => `| ${t.n} | ${t.minFrames} | ${t.p50.toFixed(0)} / ${t.p99.toFixed(0)} ms | ${t.growth.toFixed(0)} ms | ${t.ok ? 'yes' : 'no'} |`;
  try {
    out.push('## Live server (`npm run bench:server`)', '');
    out.push(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; 1-min load average ${load0.map((l) => l.toFixed(2)).join(' ')} at start.`);
    out.push(
      `Streams: ${source ? 'a face clip' : 'test pattern (no faces)'} at 1280×720 @ ${FPS} fps, ${SECONDS} s, analysed at ${width}×${height} and ${ANALYSIS_FPS ?? 'every'} ${ANALYSIS_FPS ? 'fps' : 'frame'}, face detection every ${config.faces.detectEvery} frames, detectors: ${config.detectors.map((d) => d.type).join(', ') || 'none'}, overlays asked by each client: ${OVERLAY_MS ? `every ${Math.max(OVERLAY_MS, config.server.feed.overlayEveryMs)} ms` : 'none'}.`,
      '',
    );
    const flagSets = process.env.BENCH_FLAG_SETS;
    if (flagSets !== undefined) {
      // One decode-only stream per flag set, three times each, alternating: ingest latency alone.
      out.push('Decode-only latency per input flag set (one stream, three runs each, pooled):', '', '| input flags | latency p50 / p99 | first frame |', '|---|---|---|');
      const sets = flagSets.split(';').map((f) => f.trim());
      const lat = new Map<string, StreamStats[]>(sets.map((f) => [f, []]));
      for (let r = 0; r < 3; r++) {
        for (const f of sets) {
          process.env.BENCH_INPUT_FLAGS = f;
          const prefix = `f${trialNo++}-`;
          const a = await decodeOnlyStream(`${pub.base}/s/${prefix}0.mkv`, `${prefix}0`, width, height);
          const s = (await sessionsOf(prefix))[0]?.stamps ?? [];
          lat.get(f)?.push(statsFor(a, s, true));
        }
      }
      for (const [f, st] of lat) {
        const all = st.flatMap((x) => x.lat);
        out.push(`| \`${f || '(none)'}\` | ${pct(all, 50).toFixed(1)} / ${pct(all, 99).toFixed(1)} ms | ${st.map((x) => x.firstMs.toFixed(0)).join(', ')} ms |`);
      }
      process.stdout.write(`${out.join('\n')}\n`);
      return;
    }
    let decodeOnly: Trial | null = null;
    if (!process.env.BENCH_SKIP_DECODE_ONLY) {
      out.push('Decode-only (ffmpeg, same input flags, to analysis-size RGB):', '', '| streams | frames (min) | latency p50 / p99 | growth (worst) | real time |', '|---|---|---|---|---|');
      decodeOnly = await capacity(MAX_STREAMS * 2, decodeTrial, (t) => out.push(row(t)));
      out.push('');
    }
    const cpu0 = cpuSeconds();
    const [one] = await analysisStats(1);
    await new Promise((r) => setTimeout(r, 500)); // let its ffmpeg children be reaped into cutime
    const cpuPerStream = (cpuSeconds() - cpu0) / SECONDS;
    if (!one) throw new Error('no stream');
    const metrics = await (await fetch(`${base}/api/metrics`)).text();
    const sum = Number(/^fakescope_frame_latency_seconds_sum (\S+)$/m.exec(metrics)?.[1]);
    const count = Number(/^fakescope_frame_latency_seconds_count (\S+)$/m.exec(metrics)?.[1]);
    out.push('One stream:', '', '| measure | value |', '|---|---|');
    out.push(`| frames received | ${one.frames} / ${expected} |`);
    out.push(`| first frame: publisher stamp → WS (decoder start-up) | ${one.firstMs.toFixed(0)} ms |`);
    out.push(`| frame-in → WS-out p50 / p99 (pts ≥ 1 s) | ${pct(one.lat, 50).toFixed(1)} / ${pct(one.lat, 99).toFixed(1)} ms |`);
    out.push(`| of which in the server: analysis start of a frame → WS send (mean, /api/metrics) | ${((sum / count) * 1000).toFixed(1)} ms |`);
    out.push(`| CPU per stream (this process + its ffmpeg children, cores) | ${cpuPerStream.toFixed(3)} |`, '');
    out.push('With the analysis:', '', '| streams | frames (min) | latency p50 / p99 | growth (worst) | real time |', '|---|---|---|---|---|');
    const cap = Math.min(MAX_STREAMS, decodeOnly ? Math.max(1, decodeOnly.n) : MAX_STREAMS);
    const best = await capacity(cap, async (n) => trialOf(n, await analysisStats(n), expected), (t) => out.push(row(t)));
    const streams = best?.n ?? 0;
    const m = decodeOnly?.n ?? null;
    out.push('', `Real-time streams: **${streams}** with the analysis, **${m ?? '—'}** decode-only; ratio **${m ? (streams / m).toFixed(2) : '—'}**. 1-min load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`, '');
    const summary = {
      streams,
      decodeOnlyStreams: m,
      ratio: m ? Number((streams / m).toFixed(3)) : null,
      latencyP50Ms: Number(pct(one.lat, 50).toFixed(1)),
      latencyP99Ms: Number(pct(one.lat, 99).toFixed(1)),
      cpuPerStream: Number(cpuPerStream.toFixed(3)),
      largestNLatencyP50Ms: best ? Number(best.p50.toFixed(1)) : null,
      largestNLatencyP99Ms: best ? Number(best.p99.toFixed(1)) : null,
      load1: [Number(load0[0]?.toFixed(2)), Number(loadavg()[0]?.toFixed(2))],
    };
    out.push(JSON.stringify(summary));
  } finally {
    pub.close();
    await live.close();
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:server failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
