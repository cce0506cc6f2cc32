// Per-face latency of the exported trunks (export_trunks.py) with onnxruntime-node, as the analyzer
// would run them: CPU, intraOpNumThreads 1, graphOptimizationLevel 'all', batch 1. The models are run
// in turn within each round (RUNS rounds after WARMUP), so on a shared machine they see the same load
// and their ratio is meaningful even when the absolute times drift; median and p90 per model. First
// checks each ONNX file against torch's outputs on the formula input (max abs err / max |torch|).
//   node models/training/pretrained/bench_trunk.mjs [/work/cache/pretrained/trunks.json]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';

const WARMUP = 10;
const RUNS = 100;
const info = JSON.parse(readFileSync(process.argv[2] ?? '/work/cache/pretrained/trunks.json', 'utf8'));
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];

const cases = [];
const f32 = (b64) => { const b = Buffer.from(b64, 'base64'); return new Float32Array(b.buffer, b.byteOffset, b.length / 4); };
for (const [name, { params, files, expected }] of Object.entries(info)) {
  for (const [size, file] of Object.entries(files)) {
    const s = Number(size);
    const session = await ort.InferenceSession.create(file, {
      executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all',
    });
    const data = new Float32Array(3 * s * s).map((_, i) => (((i * 7919) % 1000) / 1000) * 255);
    const out = await session.run({ image: new ort.Tensor('float32', data, [1, 3, s, s]) });
    const errs = ['mid', 'last'].map((k) => {
      const want = f32(expected[size][k].data);
      const got = out[k].data;
      let err = 0, scale = 0;
      for (let i = 0; i < want.length; i++) { err = Math.max(err, Math.abs(got[i] - want[i])); scale = Math.max(scale, Math.abs(want[i])); }
      return `${k} ${JSON.stringify(out[k].dims)} err ${err.toExponential(1)} / ${scale.toFixed(2)}`;
    });
    console.log(`${name}\t${s}px\tONNX vs torch: ${errs.join(', ')}`);
    cases.push({ name, s, params, session, image: new ort.Tensor('float32', data, [1, 3, s, s]), ms: [] });
  }
}
const load0 = loadavg()[0];
for (let r = 0; r < WARMUP + RUNS; r++) {
  for (const c of cases) {
    const t0 = process.hrtime.bigint();
    await c.session.run({ image: c.image });
    if (r >= WARMUP) c.ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
console.log(`load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}, ${RUNS} interleaved rounds after ${WARMUP}`);
for (const c of cases) {
  console.log(`${c.name}\t${c.s}px\t${c.params} params\tmedian ${q(c.ms, 0.5).toFixed(2)} ms\tp90 ${q(c.ms, 0.9).toFixed(2)} ms`);
  await c.session.release();
}
