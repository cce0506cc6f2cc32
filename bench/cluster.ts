/**
 * `npm run bench:cluster`: analyses per minute of a cluster with 1 and with 2 workers, on this
 * machine (issue #17), written to docs/benchmarks.md between `<!-- bench:cluster -->` markers.
 *
 * For each worker count W: a fresh queue prefix and database, one API node and W worker processes
 * (the compiled CLI, `--concurrency 1` each: one analysis per worker core), then BENCH_JOBS uploads
 * (default 8) of the same clip submitted at once; the rate is jobs / (last `done` − first submit),
 * so queueing, takeover-free scheduling, the feed and the store are all in it. The clip is the first
 * `BENCH_SECONDS` (default 4) seconds of BENCH_CLIP, else of a face clip from ../shared/media, else
 * of ffmpeg's test pattern (no faces: a lower bound on the work per frame), analysed at
 * `analysis.fps` BENCH_ANALYSIS_FPS (default 10) with the default detectors.
 *
 * Each configuration runs BENCH_ROUNDS times (default 3), alternating, and the median is reported
 * with the range: other jobs on a shared machine move single runs by tens of percent.
 *
 * Redis and PostgreSQL: FAKESCOPE_TEST_REDIS / FAKESCOPE_TEST_DATABASE when set, else the
 * benchmark starts its own with scripts/test-services.sh (and stops them).
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const JOBS = Number(process.env.BENCH_JOBS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ANALYSIS_FPS = Number(process.env.BENCH_ANALYSIS_FPS ?? 10);
const WORKER_COUNTS = [1, 2];
/** Rounds, alternating 1 and 2 workers so both see the same background load; medians reported. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const children = new Set<ChildProcess>();

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function services(): { redis: string; database: string; stop: () => void } {
  if (process.env.FAKESCOPE_TEST_REDIS && process.env.FAKESCOPE_TEST_DATABASE) {
    return { redis: process.env.FAKESCOPE_TEST_REDIS, database: process.env.FAKESCOPE_TEST_DATABASE, stop: () => undefined };
  }
  const env = { ...process.env, FAKESCOPE_SERVICES_DIR: join(tmpdir(), 'fakescope-bench-services'), FAKESCOPE_REDIS_PORT: '6391', FAKESCOPE_PG_PORT: '5441' };
  const out = execFileSync(join(ROOT, 'scripts', 'test-services.sh'), ['start'], { env, encoding: 'utf8' });
  const get = (name: string) => new RegExp(`${name}=(\\S+)`).exec(out)?.[1] as string;
  return { redis: get('FAKESCOPE_TEST_REDIS'), database: get('FAKESCOPE_TEST_DATABASE'), stop: () => execFileSync(join(ROOT, 'scripts', 'test-services.sh'), ['stop'], { env }) };
}

async function freshDatabase(url: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function clip(dir: string): { path: string; what: string } {
  const given = process.env.BENCH_CLIP;
  const shared = join(ROOT, '..', 'shared', 'media', 'real_ffpp-like_cyshih_real.mp4');
  const src = given ?? (existsSync(shared) ? shared : null);
  const out = join(dir, 'bench.mp4');
  const input = src ? ['-i', src] : ['-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=25'];
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...input, '-t', String(SECONDS), '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', out]);
  return { path: out, what: src ? `the first ${SECONDS} s of ${src.split('/').pop()}` : `${SECONDS} s of ffmpeg's testsrc2 (no faces)` };
}

async function start(role: 'serve' | 'worker', args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, role, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
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

interface Run {
  workers: number;
  seconds: number;
  perMinute: number;
  framesPerSecond: number;
  load: number;
}

async function run(workers: number, round: number, urls: { redis: string; database: string }, file: string, work: string): Promise<Run> {
  const tag = `${workers}_${round}`;
  const shared = join(work, `shared-${tag}`);
  const config = join(work, `config-${tag}.json`);
  writeFileSync(config, JSON.stringify({ analysis: { fps: ANALYSIS_FPS }, server: { feed: { overlayEveryMs: 0 }, cluster: { prefix: `bench${tag}-${process.pid}` } } }));
  const database = await freshDatabase(urls.database, `fakescope_bench_${tag}`);
  const apiPort = await freePort();
  const common = ['--config', config, '--data-dir', shared, '--redis', urls.redis, '--database', database];
  const procs = [await start('serve', [...common, '--port', String(apiPort)])];
  for (let i = 0; i < workers; i++) procs.push(await start('worker', [...common, '--port', String(await freePort()), '--concurrency', '1']));
  const api = `http://127.0.0.1:${apiPort}`;
  const bytes = readFileSync(file);
  const load0 = loadavg()[0] as number;
  const t0 = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const form = new FormData();
    form.append('video', new Blob([bytes]), `bench${i}.mp4`);
    const r = await fetch(`${api}/api/analyses/upload`, { method: 'POST', body: form });
    if (r.status !== 201) throw new Error(`upload ${i}: ${r.status} ${await r.text()}`);
    ids.push(((await r.json()) as { id: string }).id);
  }
  let frames = 0;
  for (const id of ids) {
    for (;;) {
      const info = (await (await fetch(`${api}/api/analyses/${id}`)).json()) as { status: string; frames: number };
      if (info.status === 'done') {
        frames += info.frames;
        break;
      }
      if (!['starting', 'running'].includes(info.status)) throw new Error(`analysis ${id}: ${info.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const load = ((loadavg()[0] as number) + load0) / 2;
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  rmSync(shared, { recursive: true, force: true });
  process.stderr.write(`${workers} worker(s): ${JOBS} analyses in ${seconds.toFixed(1)} s\n`);
  return { workers, seconds, perMinute: (JOBS * 60) / seconds, framesPerSecond: frames / seconds, load };
}

/** The run with the median rate. */
function median(runs: Run[]): Run {
  return [...runs].sort((a, b) => a.perMinute - b.perMinute)[Math.floor((runs.length - 1) / 2)] as Run;
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'fakescope-bench-cluster-'));
  const svc = services();
  try {
    const { path, what } = clip(work);
    const all: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) for (const w of WORKER_COUNTS) all.push(await run(w, round, svc, path, work));
    const runs = WORKER_COUNTS.map((w) => median(all.filter((r) => r.workers === w)));
    const date = new Date().toISOString().slice(0, 10);
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    const one = runs[0] as Run;
    const best = runs.reduce((a, b) => (b.perMinute > a.perMinute ? b : a));
    const cores = cpus().length;
    const lines = [
      '<!-- bench:cluster -->',
      `### ${date} — ${cpus().length} × ${cpu}, Node ${process.version} (\`npm run bench:cluster\`)`,
      '',
      `${JOBS} uploads of ${what}, analysed at \`analysis.fps: ${ANALYSIS_FPS}\` with the default detectors, submitted at once to one API node;`,
      'workers run with `--concurrency 1`. Rate = uploads ÷ (last `done` − first submit).',
      '',
      `Median of ${ROUNDS} rounds (1 and 2 workers alternating); the range of analyses / minute over the rounds in brackets.`,
      '',
      '| workers | wall time | analyses / minute | analysed frames / s | speed-up | 1-min load (avg) |',
      '|---:|---:|---:|---:|---:|---:|',
      ...runs.map((r) => {
        const rates = all.filter((x) => x.workers === r.workers).map((x) => x.perMinute);
        return `| ${r.workers} | ${r.seconds.toFixed(1)} s | ${r.perMinute.toFixed(1)} (${Math.min(...rates).toFixed(1)}–${Math.max(...rates).toFixed(1)}) | ${r.framesPerSecond.toFixed(1)} | ${(r.perMinute / one.perMinute).toFixed(2)}× | ${r.load.toFixed(1)} |`;
      }),
      '',
      `Per core (the best run ÷ ${cores} cores): **${(best.perMinute / cores).toFixed(1)} analyses of ${SECONDS} s per minute, ${(best.framesPerSecond / cores).toFixed(1)} analysed frames/s**`,
      `(c ≈ ${(cores / best.framesPerSecond).toFixed(3)} core-seconds per analysed frame) — the number the capacity model in [operations.md](operations.md#capacity) scales.`,
      'One worker with `--concurrency 1` already keeps more than one core partly busy (ffmpeg decodes in its own process, each',
      `detector's ONNX session has its own thread); the API node, Redis, PostgreSQL and the workers share these ${cores} cores with other`,
      'jobs on the machine (see the load), so the second worker adds only what is left of them.',
      '<!-- /bench:cluster -->',
    ];
    const doc = join(ROOT, 'docs', 'benchmarks.md');
    const text = readFileSync(doc, 'utf8');
    const section = lines.join('\n');
    const re = /<!-- bench:cluster -->[\s\S]*?<!-- \/bench:cluster -->/;
    writeFileSync(doc, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n## Cluster (issue #17: scale out on Redis and PostgreSQL)\n\n${section}\n`);
    process.stdout.write(`${section}\n`);
  } finally {
    for (const c of children) c.kill('SIGKILL');
    svc.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  for (const c of children) c.kill('SIGKILL');
  process.stderr.write(`bench:cluster: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
