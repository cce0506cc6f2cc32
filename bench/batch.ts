/**
 * `node dist/bench/batch.js`: what cross-stream batching gains per batch size, per model: ms per
 * face (per request) of one ONNX Runtime call carrying B requests, B = 1, 2, 4, 8, 16, one intra-op
 * thread, inputs of the shape the detectors send (blind: one face, k = 4 noise samples). Medians of
 * 30 calls after 5 warm-up calls, on the calling thread and through the inference worker. BlazeFace
 * is listed as not batchable: its graph fixes the batch dimension at 1. Prints a markdown table.
 */
import { loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { loadBlindModel } from '../src/detectors/blind/manifest.js';
import { loadFaceDetectorManifest } from '../src/detectors/face/manifest.js';
import { stack } from '../src/detectors/onnx/batcher.js';
import type { OnnxSession } from '../src/detectors/onnx/session.js';
import { createOnnxSessionFactory, isBatchable } from '../src/detectors/onnx/session.js';
import { PACKAGE_ROOT } from '../src/app.js';
import { join } from 'node:path';

const SIZES = [1, 2, 4, 8, 16];

function feedsFor(session: OnnxSession, seed: number): Record<string, ort.Tensor> {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  const out: Record<string, ort.Tensor> = {};
  for (const m of session.inputMetadata) {
    if (!m.isTensor) continue;
    const dims = m.shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? 1 : 4));
    const n = dims.reduce((a, b) => a * b, 1);
    out[m.name] = new ort.Tensor('float32', Float32Array.from({ length: n }, rnd), dims);
  }
  return out;
}

async function perFace(session: OnnxSession, b: number): Promise<number> {
  const feeds = stack(Array.from({ length: b }, (_, i) => feedsFor(session, i + 1)));
  for (let i = 0; i < 5; i++) await session.run(feeds);
  const t: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    t.push(performance.now() - t0);
  }
  t.sort((x, y) => x - y);
  return (t[15] as number) / b;
}

async function main(): Promise<void> {
  const load0 = loadavg()[0] as number;
  const models = [
    { name: 'blind-faceres-sbi-mcd', file: loadBlindModel('blind-faceres-sbi-mcd', join(PACKAGE_ROOT, 'models')).file },
    { name: 'rppg classifier', file: join(PACKAGE_ROOT, 'models', 'rppg', 'model.onnx') },
    { name: 'blazeface-back-256', file: loadFaceDetectorManifest('blazeface-back-256').file },
  ];
  const rows = ['| model | where | ' + SIZES.map((b) => `B = ${b}`).join(' | ') + ' | per-face gain at B = 16 |', `|---|---|${SIZES.map(() => '---|').join('')}---|`];
  for (const workers of [0, 1]) {
    const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1, workers });
    for (const m of models) {
      const session = await sessions.create(m.file);
      const where = workers ? 'worker' : 'main thread';
      if (!isBatchable(session)) {
        const one = await perFace(session, 1);
        rows.push(`| ${m.name} | ${where} | ${one.toFixed(2)} ms | not batchable (batch dimension fixed at 1) |${SIZES.slice(2).map(() => ' |').join('')} — |`);
        continue;
      }
      const ms: number[] = [];
      for (const b of SIZES) ms.push(await perFace(session, b));
      rows.push(`| ${m.name} | ${where} | ${ms.map((x) => `${x.toFixed(2)} ms`).join(' | ')} | ${((ms[0] as number) / (ms.at(-1) as number)).toFixed(2)}× |`);
    }
    await sessions.releaseAll();
  }
  process.stdout.write(`ms per face (per request) of one call carrying B requests; medians of 30; 1-min load average ${load0.toFixed(2)} → ${(loadavg()[0] as number).toFixed(2)}.\n\n${rows.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/batch: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
