/**
 * `npm run bench`: speed and memory of the analysis spine, as ratios measured in one run on the
 * same clip (never as timed test assertions). Prints a markdown section for docs/benchmarks.md.
 *
 * - decode-only fps: ffmpeg decoding + scaling to the analysis size, bytes counted and dropped;
 * - analyzer fps: the full pipeline (ingest → face detection + tracking → results), no detectors;
 * - ratio = analyzer fps ÷ decode-only fps (goal ≥ 0.8 at 640-wide analysis of a 720p clip);
 * - face detection ms per call (BlazeFace back-256, one intra-op thread);
 * - peak RSS of this process (ffmpeg runs in its own process and is not included).
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { lastValueFrom, take, toArray } from 'rxjs';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { builtinRegistry } from '../src/detectors/builtin.js';
import { createFaceDetector } from '../src/detectors/face/face-detector.js';
import { loadFaceDetectorManifest } from '../src/detectors/face/manifest.js';
import { createOnnxSessionFactory } from '../src/detectors/onnx/session.js';
import { decodeOnly, openSource } from '../src/ingest/index.js';
import { benchClip } from './clip.js';

const WIDTH = 640;

async function faceDetectionMs(path: string): Promise<{ mean: number; p50: number; calls: number }> {
  const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
  const detector = await createFaceDetector(loadFaceDetectorManifest('blazeface-back-256'), sessions);
  await detector.warmup();
  const source = await openSource(path, { streamId: 'bench', analysisWidth: WIDTH });
  const frames = await lastValueFrom(source.frames().pipe(take(60), toArray()));
  const times: number[] = [];
  for (const f of frames) {
    const t = performance.now();
    await detector.detect(f);
    times.push(performance.now() - t);
  }
  await sessions.releaseAll();
  times.sort((a, b) => a - b);
  return { mean: times.reduce((a, b) => a + b, 0) / times.length, p50: times[Math.floor(times.length / 2)] as number, calls: times.length };
}

/** CPU seconds (user + sys) ffmpeg spends decoding and scaling the clip, via bash's `times`. */
function ffmpegCpuSeconds(path: string): number {
  const cmd = `ffmpeg -v error -nostdin -i "$1" -vf scale=${WIDTH}:-2 -f rawvideo -pix_fmt rgb24 -y /dev/null; times`;
  const r = spawnSync('bash', ['-c', cmd, 'bench', path], { encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const secs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return (secs[0] ?? NaN) + (secs[1] ?? NaN);
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] as number;
  const clip = benchClip();
  // Warm the page cache and ffmpeg once so the first measurement is not penalised.
  await decodeOnly(clip.path, { analysisWidth: WIDTH });
  const decode = await decodeOnly(clip.path, { analysisWidth: WIDTH });
  const decodeFps = decode.frames / (decode.ms / 1000);

  const app = buildApp(parseConfig({ analysis: { width: WIDTH }, detectors: [] }), builtinRegistry());
  await app.start();
  const analysis = await app.analyze(clip.path, { keepFrames: false });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await lastValueFrom(analysis.results, { defaultValue: null });
  const report = await analysis.report;
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  const nodeCpuMs = (used.user + used.system) / 1000 / report.summary.frames;
  const ffmpegCpuMs = (ffmpegCpuSeconds(clip.path) * 1000) / report.summary.frames;
  await app.stop();
  const analyzerFps = report.summary.frames / (wall / 1000);

  const fd = await faceDetectionMs(clip.path);
  const rssMiB = process.resourceUsage().maxRSS / 1024;

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const rows = [
    `### ${new Date().toISOString().slice(0, 10)} — ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    '',
    `Clip: ${clip.kind}; analysis ${report.analysis.width}×${report.analysis.height}, every frame, no detectors.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| ffmpeg decode-only (decode + scale to analysis RGB) | ${decodeFps.toFixed(1)} fps (${decode.frames} frames) |`,
    `| analyzer, face tracking on, detectors off | ${analyzerFps.toFixed(1)} fps (${report.summary.frames} frames, faces on ${report.summary.framesWithFaces}) |`,
    `| **ratio analyzer ÷ decode-only** | **${(analyzerFps / decodeFps).toFixed(2)}** |`,
    `| face detection per call (BlazeFace back-256, 1 thread) | mean ${fd.mean.toFixed(2)} ms, median ${fd.p50.toFixed(2)} ms (${fd.calls} calls) |`,
    `| CPU time per frame: ffmpeg decode + scale / analyzer's Node process | ${ffmpegCpuMs.toFixed(2)} ms / ${nodeCpuMs.toFixed(2)} ms |`,
    `| peak RSS of the Node process | ${rssMiB.toFixed(0)} MiB |`,
    `| 1-min load average before / after (other processes compete when > 0) | ${loadBefore.toFixed(2)} / ${(loadavg()[0] as number).toFixed(2)} |`,
  ];
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
