// Per-face latency of the exported trunks (export_trunks.py) with onnxruntime-node, as the analyzer
// would run them: CPU, intraOpNumThreads 1, graphOptimizationLevel 'all', batch 1; median (and p90)
// of RUNS runs after WARMUP warm-up runs.
//   node models/training/pretrained/bench_trunk.mjs [/work/cache/pretrained/trunks.json]
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const WARMUP = 10;
const RUNS = 100;
const info = JSON.parse(readFileSync(process.argv[2] ?? '/work/cache/pretrained/trunks.json', 'utf8'));
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];

for (const [name, { params, files }] of Object.entries(info)) {
  for (const [size, file] of Object.entries(files)) {
    const s = Number(size);
    const session = await ort.InferenceSession.create(file, {
      executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all',
    });
    const image = new ort.Tensor('float32', new Float32Array(3 * s * s).map((_, i) => ((i * 7919) % 1000) / 4), [1, 3, s, s]);
    for (let i = 0; i < WARMUP; i++) await session.run({ image });
    const ms = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      await session.run({ image });
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    console.log(`${name}\t${s}px\t${params} params\tmedian ${q(ms, 0.5).toFixed(2)} ms\tp90 ${q(ms, 0.9).toFixed(2)} ms\t(${RUNS} runs)`);
    await session.release();
  }
}
