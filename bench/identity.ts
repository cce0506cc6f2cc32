/**
 * Identity-steadiness detector cost (`node dist/bench/identity.js`, part of `npm run bench`):
 * - one descriptor: aligned crop + one FaceRes pass, N = 1, one intra-op thread (median);
 * - the detector per face-frame at 30 fps, amortised (it takes a descriptor every third frame and
 *   a bootstrap of the window on those frames): mean over 300 frames of one track;
 * - both ÷ the default blind detector's face-frame (temporal MC, k = 4, W = 8), in the same run.
 * Prints one markdown table and a JSON line.
 */
import { cpus, loadavg } from 'node:os';
import { blindRegistration } from '../src/detectors/blind/index.js';
import { identityRegistration } from '../src/detectors/identity/index.js';
import { loadIdentityModel } from '../src/detectors/identity/manifest.js';
import { writeAlignedInput } from '../src/detectors/blind/preprocess.js';
import { createOnnxSessionFactory } from '../src/detectors/onnx/session.js';
import * as ort from 'onnxruntime-node';
import { BENCH_FACE, BENCH_FRAME, median } from './face-bench.js';

const MODELS = 'models';

async function main(): Promise<void> {
  const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
  const frame = BENCH_FRAME;
  const face = BENCH_FACE;
  const model = await loadIdentityModel(`${MODELS}/identity-steadiness/manifest.json`, sessions);
  const s = model.input.size;
  const scratch = new Uint8Array(s * s * 3);
  const descriptor = await median(async () => {
    const x = new Float32Array(3 * s * s);
    writeAlignedInput(frame, face.landmarks, model.input, x, 0, scratch);
    return model.session.run({ image: new ort.Tensor('float32', x, [1, 3, s, s]) });
  });
  const identity = await identityRegistration.create({ type: 'identity', model: 'identity-steadiness/manifest.json', name: 'identity', samples: 32 }, { sessions, seed: 1, modelsDir: MODELS });
  await identity.warmup();
  const frames = 300;
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) await identity.infer({ frame: { ...frame, seq: i, ptsMs: (i * 1000) / 30 }, faces: [face] });
  const amortised = (performance.now() - t0) / frames;
  const blind = await blindRegistration.create({ type: 'blind', model: 'blind-faceres-sbi-mcd', name: 'blind', samplesPerFrame: 4, window: 8, dense: true }, { sessions, seed: 1, modelsDir: MODELS });
  let seq = 0;
  const blindFrame = await median(() => blind.infer({ frame: { ...frame, seq: seq++ }, faces: [face] }));
  await sessions.releaseAll();
  const rows = [
    '| identity: one descriptor (crop + FaceRes, N = 1) | identity per face-frame at 30 fps, amortised | default blind face-frame (T_eff = 32) | identity ÷ blind |',
    '|---|---|---|---|',
    `| ${descriptor.toFixed(2)} ms | ${amortised.toFixed(2)} ms | ${blindFrame.toFixed(2)} ms | ${(amortised / blindFrame).toFixed(2)} |`,
  ];
  process.stdout.write(`${rows.join('\n')}\n(${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})\n`);
  process.stdout.write(`${JSON.stringify({ descriptorMs: descriptor, identityFaceFrameMs: amortised, blindFaceFrameMs: blindFrame, ratio: amortised / blindFrame })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/identity: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
