/**
 * rPPG detector costs, measured on real faces (never as timed test assertions). Prints a markdown
 * section for docs/benchmarks.md.
 *
 *   npm run build && node dist/bench/rppg.js
 *
 * - signal extraction per face per frame: `FaceSampler.sample` (skin-cell colours through the
 *   landmark alignment) plus `PulseWindow.push` on frames where no analysis is due; budget 0.5 ms
 *   at 640-wide frames;
 * - window analysis (resampling, band-pass, three pulse methods, 32 cell spectra, PPG map), run
 *   once per track every hopSec, also shown amortised over the frames of a hop;
 * - classifier per window: one ONNX run with T Monte Carlo masks (T = 32, the default), batch of 1
 *   and of 4 windows, plus mask generation.
 * Frames and landmarks come from the analyzer's own ingest and face stage on the benchmark clip at
 * 640 px wide, decoded once before timing.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, take, toArray } from 'rxjs';
import { PACKAGE_ROOT } from '../src/app.js';
import { parseConfig } from '../src/config/schema.js';
import { createFaceDetector } from '../src/detectors/face/face-detector.js';
import { loadFaceDetectorManifest } from '../src/detectors/face/manifest.js';
import { createOnnxSessionFactory } from '../src/detectors/onnx/session.js';
import { scoreWindows } from '../src/detectors/rppg/classifier.js';
import { classifierInput } from '../src/detectors/rppg/classifier-input.js';
import { FaceSampler } from '../src/detectors/rppg/face-sampler.js';
import type { WindowFeatures } from '../src/detectors/rppg/features.js';
import { loadRppgModel } from '../src/detectors/rppg/model.js';
import { PulseWindow } from '../src/detectors/rppg/window.js';
import type { Frame } from '../src/core/frame.js';
import { openSource, pullFrames } from '../src/ingest/index.js';
import type { TrackedFace } from '../src/core/face.js';
import { FaceStage } from '../src/pipeline/face-stage.js';
import { benchClip } from './clip.js';

const WIDTH = 640;
const FRAMES = 300;
const SAMPLES = 32;

interface Timing {
  mean: number;
  p50: number;
  p95: number;
  n: number;
}

function summarise(ms: number[]): Timing {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return { mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), p50: at(0.5), p95: at(0.95), n: s.length };
}

const fmt = (t: Timing, digits = 3): string => `mean ${t.mean.toFixed(digits)} ms, median ${t.p50.toFixed(digits)} ms, p95 ${t.p95.toFixed(digits)} ms (n = ${t.n})`;

async function facesOfClip(path: string): Promise<{ frame: Frame; face: TrackedFace }[]> {
  const config = parseConfig({ analysis: { width: WIDTH } });
  const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
  const detector = await createFaceDetector(loadFaceDetectorManifest(config.faces.model), sessions);
  await detector.warmup();
  const stage = new FaceStage(detector, { ...config.faces, tracker: config.faces.tracker });
  const source = await openSource(path, { streamId: 'bench-rppg', analysisWidth: WIDTH });
  const rows = await lastValueFrom(
    pullFrames(source, async (frame) => ({ frame, faces: (await stage.process(frame)).faces })).pipe(take(FRAMES), toArray()),
  );
  await sessions.releaseAll();
  return rows.flatMap((r) => (r.faces[0] ? [{ frame: r.frame, face: r.faces[0] }] : []));
}

async function main(): Promise<void> {
  const clip = benchClip();
  const load0 = loadavg()[0] as number;
  const seq = await facesOfClip(clip.path);
  if (seq.length < 150) throw new Error(`only ${seq.length} frames with a face in ${clip.path}; the rPPG bench needs a face clip`);
  const first = seq[0] as { frame: Frame; face: TrackedFace };

  // Signal extraction: three passes over the clip, the first one discarded (JIT warm-up).
  const sampleMs: number[] = [];
  const pushMs: number[] = [];
  const analysisMs: number[] = [];
  let windows: WindowFeatures[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const sampler = new FaceSampler();
    const win = new PulseWindow();
    const keep = pass > 0;
    windows = [];
    for (const { frame, face } of seq) {
      const t0 = performance.now();
      const sample = sampler.sample(frame, face);
      const t1 = performance.now();
      const f = win.push(frame.ptsMs, sample);
      const t2 = performance.now();
      if (!keep) continue;
      sampleMs.push(t1 - t0);
      if (f && f.state !== 'filling') {
        analysisMs.push(t2 - t1);
        windows.push(f);
      } else pushMs.push(t2 - t1);
    }
  }
  const sample = summarise(sampleMs);
  const push = summarise(pushMs);
  const analysis = summarise(analysisMs);
  const fps = 1000 / (((seq.at(-1)?.frame.ptsMs ?? 0) - first.frame.ptsMs) / Math.max(1, seq.length - 1));
  const hopFrames = 0.5 * fps;

  // Classifier.
  const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
  const model = await loadRppgModel(join(PACKAGE_ROOT, 'models', 'rppg', 'manifest.json'), sessions);
  const inputs = windows.map(classifierInput).filter((x) => x !== null);
  if (inputs.length === 0) throw new Error('no scoreable window in the bench clip');
  const one: number[] = [];
  const four: number[] = [];
  for (let i = 0; i < 60; i++) {
    const x = inputs[i % inputs.length] as NonNullable<(typeof inputs)[number]>;
    const t0 = performance.now();
    await scoreWindows(model, [{ input: x, seed: i }], SAMPLES);
    if (i >= 10) one.push(performance.now() - t0);
    const t1 = performance.now();
    await scoreWindows(model, [0, 1, 2, 3].map((k) => ({ input: x, seed: i * 4 + k })), SAMPLES);
    if (i >= 10) four.push(performance.now() - t1);
  }
  await sessions.releaseAll();
  const c1 = summarise(one);
  const c4 = summarise(four);
  const load1 = loadavg()[0] as number;

  const perFrame = sample.mean + push.mean + analysis.mean / hopFrames;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const rows = [
    `### rPPG — ${new Date().toISOString().slice(0, 10)} — ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    '',
    `Clip: ${clip.kind}; ${seq.length} frames with a face at ${first.frame.width}×${first.frame.height}, face ≈ ${Math.round(Math.max(first.face.box.w, first.face.box.h))} px. ` +
      `Load average (1 min) ${load0.toFixed(2)} before, ${load1.toFixed(2)} after.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| **signal extraction per face per frame** (region sampling; budget 0.5 ms) | ${fmt(sample)} |`,
    `| window push on frames without analysis | ${fmt(push, 4)} |`,
    `| window analysis (every 0.5 s per track) | ${fmt(analysis, 2)} |`,
    `| all signal work amortised per face per frame (sampling + push + analysis ÷ ${hopFrames.toFixed(0)} frames) | ${perFrame.toFixed(3)} ms |`,
    `| classifier per window, T = ${SAMPLES} (1 window per run) | ${fmt(c1, 2)} |`,
    `| classifier, 4 windows per run, T = ${SAMPLES} | ${fmt(c4, 2)} (${(c4.mean / 4).toFixed(2)} ms per window) |`,
  ];
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench rppg: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
