/**
 * Motion detector costs, measured on real faces (never as timed test assertions). Prints a markdown
 * section for docs/benchmarks.md.
 *
 *   npm run build && node dist/bench/motion.js
 *
 * - motion sampling per face per frame: `MotionSampler.sample` (48-px aligned grey crop, 32
 *   quadrature filters, phase step) plus `MotionWindow.push` on frames where no analysis is due;
 * - window analysis (resampling of 44 signals, 32 velocity spectra, 64 zero-phase band-passes,
 *   landmark dynamics), once per track every hopSec, also amortised over the frames of a hop;
 * - classifier per window: one ONNX run with T = 32 Monte Carlo samples (dropout masks for
 *   models/motion, weight noise for models/motion-bnn), batch of 1 and of 4 windows.
 * Budget (issue #16): all of it ≤ 1.5 ms per face-frame amortised on one core.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, take, toArray } from 'rxjs';
import { PACKAGE_ROOT } from '../src/app.js';
import { parseConfig } from '../src/config/schema.js';
import { createFaceDetector } from '../src/detectors/face/face-detector.js';
import { loadFaceDetectorManifest } from '../src/detectors/face/manifest.js';
import { type MotionInput, scoreMotionWindows } from '../src/detectors/motion/classifier.js';
import { loadMotionModel } from '../src/detectors/motion/model.js';
import { createMotionContext } from '../src/detectors/motion/options.js';
import { MotionSampler } from '../src/detectors/motion/sampler.js';
import { MotionWindow } from '../src/detectors/motion/window.js';
import { createOnnxSessionFactory } from '../src/detectors/onnx/session.js';
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
  const source = await openSource(path, { streamId: 'bench-motion', analysisWidth: WIDTH });
  const rows = await lastValueFrom(pullFrames(source, async (frame) => ({ frame, faces: (await stage.process(frame)).faces })).pipe(take(FRAMES), toArray()));
  await sessions.releaseAll();
  return rows.flatMap((r) => (r.faces[0] ? [{ frame: r.frame, face: r.faces[0] }] : []));
}

async function classifierTimes(manifest: string, inputs: readonly MotionInput[]): Promise<[Timing, Timing]> {
  const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
  const model = await loadMotionModel(join(PACKAGE_ROOT, 'models', manifest), sessions);
  const one: number[] = [];
  const four: number[] = [];
  for (let i = 0; i < 60; i++) {
    const x = inputs[i % inputs.length] as MotionInput;
    const t0 = performance.now();
    await scoreMotionWindows(model, [{ input: x, seed: i }], SAMPLES);
    if (i >= 10) one.push(performance.now() - t0);
    const t1 = performance.now();
    await scoreMotionWindows(model, [0, 1, 2, 3].map((k) => ({ input: x, seed: i * 4 + k })), SAMPLES);
    if (i >= 10) four.push(performance.now() - t1);
  }
  await sessions.releaseAll();
  return [summarise(one), summarise(four)];
}

async function main(): Promise<void> {
  const clip = benchClip();
  const load0 = loadavg()[0] as number;
  const seq = await facesOfClip(clip.path);
  if (seq.length < 150) throw new Error(`only ${seq.length} frames with a face in ${clip.path}; the motion bench needs a face clip`);
  const first = seq[0] as { frame: Frame; face: TrackedFace };
  const ctx = createMotionContext();

  // Three passes over the clip, the first one discarded (JIT warm-up).
  const sampleMs: number[] = [];
  const pushMs: number[] = [];
  const analysisMs: number[] = [];
  let inputs: MotionInput[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const sampler = new MotionSampler(ctx);
    const win = new MotionWindow(ctx);
    inputs = [];
    for (const { frame, face } of seq) {
      const t0 = performance.now();
      const sample = sampler.sample(frame, face);
      const t1 = performance.now();
      const r = win.push(frame.ptsMs, sample);
      const t2 = performance.now();
      if (pass === 0) continue;
      sampleMs.push(t1 - t0);
      if (r?.analysis) {
        analysisMs.push(t2 - t1);
        if (r.analysis.map && r.analysis.features) inputs.push({ map: r.analysis.map, features: r.analysis.features });
      } else pushMs.push(t2 - t1);
    }
  }
  if (inputs.length === 0) throw new Error('no analysed window in the bench clip');
  const sample = summarise(sampleMs);
  const push = summarise(pushMs);
  const analysis = summarise(analysisMs);
  const fps = 1000 / (((seq.at(-1)?.frame.ptsMs ?? 0) - first.frame.ptsMs) / Math.max(1, seq.length - 1));
  const hopFrames = ctx.options.hopSec * fps;
  const [c1, c4] = await classifierTimes('motion/manifest.json', inputs);
  const [b1] = await classifierTimes('motion-bnn/manifest.json', inputs);
  const load1 = loadavg()[0] as number;
  const signal = sample.mean + push.mean + analysis.mean / hopFrames;
  const total = signal + c1.mean / hopFrames;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const rows = [
    `### Motion — ${new Date().toISOString().slice(0, 10)} — ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    '',
    `Clip: ${clip.kind}; ${seq.length} frames with a face at ${first.frame.width}×${first.frame.height}, face ≈ ${Math.round(Math.max(first.face.box.w, first.face.box.h))} px. ` +
      `Load average (1 min) ${load0.toFixed(2)} before, ${load1.toFixed(2)} after.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| motion sampling per face per frame (aligned grey crop, 32 quadrature filters, phase step) | ${fmt(sample)} |`,
    `| window push on frames without analysis | ${fmt(push, 4)} |`,
    `| window analysis (every ${ctx.options.hopSec} s per track) | ${fmt(analysis, 2)} |`,
    `| classifier per window, T = ${SAMPLES}, MC dropout (1 window per run) | ${fmt(c1, 2)} |`,
    `| classifier, 4 windows per run, T = ${SAMPLES}, MC dropout | ${fmt(c4, 2)} (${(c4.mean / 4).toFixed(2)} ms per window) |`,
    `| classifier per window, T = ${SAMPLES}, Bayesian (models/motion-bnn) | ${fmt(b1, 2)} |`,
    `| signal work amortised per face per frame (sampling + push + analysis ÷ ${hopFrames.toFixed(0)} frames) | ${signal.toFixed(3)} ms |`,
    `| **everything amortised per face per frame** (signal + one classifier run ÷ ${hopFrames.toFixed(0)} frames; budget 1.5 ms) | ${total.toFixed(3)} ms |`,
  ];
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench motion: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
