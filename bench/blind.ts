/**
 * Blind detector costs, per shipped model (`node dist/bench/blind.js`, part of `npm run bench`):
 * - backbone ms per face: one deterministic pass (T = 1, mean-network noise), N = 1;
 * - Monte Carlo cost: one call with T = 32 samples ÷ one deterministic pass (the heads are sampled,
 *   the backbone runs once; goal ≤ 1.3);
 * - temporal sampling (k = 4 per frame, pooled over W = 8 frames → T_eff = 32) per face-frame,
 *   including preprocessing and pooling, ÷ one deterministic pass.
 * Measured in one run, medians of repeated calls, one intra-op thread.
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { blindRegistration } from '../src/detectors/blind/index.js';
import { loadBlindModel } from '../src/detectors/blind/manifest.js';
import { createBlindModelRunner } from '../src/detectors/blind/model-runner.js';
import { createPrng } from '../src/detectors/mc/prng.js';
import { createOnnxSessionFactory } from '../src/detectors/onnx/session.js';
import { writeAlignedInput } from '../src/detectors/blind/preprocess.js';
import { BENCH_FACE, BENCH_FRAME, median } from './face-bench.js';

const MODELS = 'models';

async function main(): Promise<void> {
  const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
  const names = readdirSync(MODELS).filter((d) => d.startsWith('blind-') && existsSync(join(MODELS, d, 'manifest.json')));
  const rows = [
    '| model | backbone: one deterministic pass (T = 1) | one call, T = 32 | ratio | deterministic face-frame (crop + T = 1) | temporal MC face-frame (crop + k = 4, pooled W = 8: T_eff = 32, map, regions) | ratio |',
    '|---|---|---|---|---|---|---|',
  ];
  const frame = BENCH_FRAME;
  const face = BENCH_FACE;
  for (const name of names) {
    const model = loadBlindModel(name, MODELS);
    const session = await sessions.create(model.file);
    const s = model.input.size;
    const runner = createBlindModelRunner(model, session);
    const image = new Float32Array(3 * s * s).fill(0.1);
    const one = await median(() => runner.run(image, 1, runner.noise(1, 1, null), 1));
    // A deterministic face-frame as a non-Bayesian detector would do it: aligned crop + one pass.
    const scratch = new Uint8Array(s * s * 3);
    const input = new Float32Array(3 * s * s);
    const deterministicFaceFrame = await median(async () => {
      writeAlignedInput(frame, face.landmarks, model.input, input, 0, scratch);
      return runner.run(input, 1, runner.noise(1, 1, null), 1);
    });
    const t32 = await median(() => runner.run(image, 1, runner.noise(1, 32, createPrng(1)), 32));
    const detector = await blindRegistration.create({ type: 'blind', model: name, name, samplesPerFrame: 4, window: 8, dense: true }, { sessions, seed: 1, modelsDir: MODELS });
    let seq = 0;
    const temporal = await median(() => detector.infer({ frame: { ...frame, seq: seq++ }, faces: [face] }));
    rows.push(
      `| ${name} | ${one.toFixed(2)} ms | ${t32.toFixed(2)} ms | ${(t32 / one).toFixed(2)} | ${deterministicFaceFrame.toFixed(2)} ms | ${temporal.toFixed(2)} ms | ${(temporal / deterministicFaceFrame).toFixed(2)} |`,
    );
  }
  await sessions.releaseAll();
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/blind: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
