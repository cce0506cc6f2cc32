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
import { parseConfig } from '../src/config/schema.js';
import { builtinRegistry } from '../src/detectors/builtin.js';
import { createFaceDetector } from '../src/detectors/face/face-detector.js';
import { loadFaceDetectorManifest } from '../src/detectors/face/manifest.js';
import { createOnnxSessionFactory } from '../src/detectors/onnx/session.js';
import { decodeOnly, openSource } from '../src/ingest/index.js';
import { decodeArgs } from '../src/ingest/decode-args.js';
import { FfmpegProcess } from '../src/ingest/ffmpeg-process.js';
import { RawFrameSplitter } from '../src/ingest/raw-frames.js';
import { cropAround } from '../src/pipeline/face-stage.js';
import { benchClip } from './clip.js';

const WIDTH = 640;

/** ms per call of the full-frame detector, and of the crop model on a 2.5× crop around the face found (on the calling thread). */
async function faceDetectionMs(path: string): Promise<{ full: Stat; crop: Stat }> {
  const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
  const detector = await createFaceDetector(loadFaceDetectorManifest('blazeface-back-256'), sessions);
  const cropper = await createFaceDetector(loadFaceDetectorManifest('blazeface-front-128'), sessions);
  await detector.warmup();
  await cropper.warmup();
  const source = await openSource(path, { streamId: 'bench', analysisWidth: WIDTH });
  const frames = await lastValueFrom(source.frames().pipe(take(60), toArray()));
  const full: number[] = [];
  const crop: number[] = [];
  for (const f of frames) {
    let t = performance.now();
    const found = await detector.detect(f);
    full.push(performance.now() - t);
    const box = found[0]?.box;
    if (!box) continue;
    t = performance.now();
    await cropper.detect(f, cropAround(box, 2.5));
    crop.push(performance.now() - t);
  }
  await sessions.releaseAll();
  return { full: stat(full), crop: stat(crop) };
}

/**
 * Node CPU per frame of reading ffmpeg's frames alone (the same decode as decode-only, cut into
 * frames that are held briefly and dropped): in place (the default) against a plain pipe whose
 * chunks are copied, alternating, median of `rounds` each. In this small process the garbage
 * collector's share is smaller than inside the analyzer, so the gap here is a lower bound.
 */
async function readerCpuMs(path: string, rounds: number): Promise<{ inPlace: number; plain: number }> {
  const probed = await openSource(path, { streamId: 'bench', analysisWidth: WIDTH });
  const { width, height } = probed;
  const args = decodeArgs({ ffmpegInput: path, protocolWhitelist: 'file,pipe', streamIndex: null, width, height, timestamps: false });
  const once = async (readInPlace: boolean): Promise<number> => {
    const splitter = new RawFrameSplitter(width * height * 3);
    const held: Uint8Array[] = [];
    let frames = 0;
    const sink = {
      target: () => splitter.target(),
      wrote: (n: number) => {
        splitter.wrote(n);
        for (let f = splitter.take(); f; f = splitter.take()) {
          frames++;
          held.push(f);
          if (held.length > 4) held.shift();
        }
      },
    };
    const cpu0 = process.cpuUsage();
    const exit = await FfmpegProcess.start('ffmpeg', args, { stdoutSink: sink, readInPlace }).exited;
    const used = process.cpuUsage(cpu0);
    if (exit.code !== 0 || frames === 0) throw new Error(`reader bench: ffmpeg exit ${exit.code}, ${frames} frames`);
    return (used.user + used.system) / 1000 / frames;
  };
  const inPlace: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < rounds; i++) {
    inPlace.push(await once(true));
    plain.push(await once(false));
  }
  return { inPlace: stat(inPlace).p50, plain: stat(plain).p50 };
}

interface Stat {
  mean: number;
  p50: number;
  calls: number;
}

function stat(times: number[]): Stat {
  const s = [...times].sort((a, b) => a - b);
  return { mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), p50: s[Math.floor(s.length / 2)] ?? NaN, calls: s.length };
}

/** One analyzer run of the clip: fps, Node CPU per frame, face-stage ms per frame and pass counts. */
async function analyzerRun(path: string, faces: Record<string, unknown>, workers: number) {
  const app = buildApp(parseConfig({ analysis: { width: WIDTH }, detectors: [], faces, runtime: { workers } }), builtinRegistry());
  await app.start();
  const analysis = await app.analyze(path, { keepFrames: false });
  let facesMs = 0;
  const sub = analysis.results.subscribe((r) => {
    facesMs += r.result.timing.facesMs;
  });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const report = await analysis.report;
  sub.unsubscribe();
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  await app.stop();
  const frames = report.summary.frames;
  return { report, fps: frames / (wall / 1000), nodeCpuMs: (used.user + used.system) / 1000 / frames, facesMs: facesMs / frames };
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

  // Crop tracking (full frame every faces.fullFrameEvery, front-128 crops between), then the
  // default (full frame on every pass), each with inference in its worker thread and on the
  // main thread (workers: 0, where the face stage's wall time is its CPU time).
  const CROPS = { trackModel: 'blazeface-front-128' };
  const tracked = await analyzerRun(clip.path, CROPS, 1);
  // Decode-only again right after: the ratio uses the mean of the two, which the load drifts less.
  const decode2 = await decodeOnly(clip.path, { analysisWidth: WIDTH });
  const decodeFps = (decode.frames + decode2.frames) / ((decode.ms + decode2.ms) / 1000);
  const former = await analyzerRun(clip.path, { trackModel: null }, 1);
  const trackedMain = await analyzerRun(clip.path, CROPS, 0);
  const formerMain = await analyzerRun(clip.path, { trackModel: null }, 0);
  const report = tracked.report;
  const ffmpegCpuMs = (ffmpegCpuSeconds(clip.path) * 1000) / report.summary.frames;
  const fd = await faceDetectionMs(clip.path);
  const reader = await readerCpuMs(clip.path, 5);
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  const cfg = parseConfig({});
  const fmt = (x: Stat) => `mean ${x.mean.toFixed(2)} ms, median ${x.p50.toFixed(2)} ms (${x.calls} calls)`;

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const rows = [
    `### ${new Date().toISOString().slice(0, 10)} — ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    '',
    `Clip: ${clip.kind}; analysis ${report.analysis.width}×${report.analysis.height}, every frame, no detectors.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| ffmpeg decode-only (decode + scale to analysis RGB) | ${decodeFps.toFixed(1)} fps (${decode.frames} frames, mean of a run before and after the analyzer) |`,
    `| analyzer, crop tracking (full frame every ${cfg.faces.fullFrameEvery}, front-128 crops every ${cfg.faces.detectEvery}; faces.trackModel "blazeface-front-128"), detectors off | ${tracked.fps.toFixed(1)} fps (${report.summary.frames} frames, faces on ${report.summary.framesWithFaces}) |`,
    `| **ratio analyzer ÷ decode-only** | **${(tracked.fps / decodeFps).toFixed(2)}** |`,
    `| analyzer, default tracking (full frame every ${cfg.faces.detectEvery}, no crops) | ${former.fps.toFixed(1)} fps, ratio ${(former.fps / decodeFps).toFixed(2)} (faces on ${former.report.summary.framesWithFaces}) |`,
    `| face detection per call, 1 thread: BlazeFace back-256 full frame (letterbox + inference + decode) | ${fmt(fd.full)} |`,
    `| face detection per call: front-128 on a 2.5× crop around the face | ${fmt(fd.crop)} |`,
    `| CPU per frame: ffmpeg decode + scale | ${ffmpegCpuMs.toFixed(2)} ms |`,
    `| CPU per frame: reading ffmpeg's frames alone, in place / plain pipe + copy (median of 5 alternating each) | ${reader.inPlace.toFixed(2)} ms / ${reader.plain.toFixed(2)} ms |`,
    `| CPU per frame: Node process (main + inference thread), crops / default | ${tracked.nodeCpuMs.toFixed(2)} ms / ${former.nodeCpuMs.toFixed(2)} ms |`,
    `| of which the face stage (detection, letterbox, crops, tracking; inference on the main thread so wall ≈ CPU), crops / default | ${trackedMain.facesMs.toFixed(2)} ms / ${formerMain.facesMs.toFixed(2)} ms |`,
    `| the rest of the Node process (reading frames, RxJS, results; main-thread runs), crops / default | ${(trackedMain.nodeCpuMs - trackedMain.facesMs).toFixed(2)} ms / ${(formerMain.nodeCpuMs - formerMain.facesMs).toFixed(2)} ms |`,
    `| analyzer fps with inference on the main thread (runtime.workers 0), crops / default | ${trackedMain.fps.toFixed(1)} / ${formerMain.fps.toFixed(1)} fps |`,
    `| peak RSS of the Node process | ${rssMiB.toFixed(0)} MiB |`,
    `| 1-min load average before / after (other processes compete when > 0) | ${loadBefore.toFixed(2)} / ${(loadavg()[0] as number).toFixed(2)} |`,
  ];
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
