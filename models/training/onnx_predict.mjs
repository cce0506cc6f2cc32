// Runs a shipped blind model (models/<name>/manifest.json) on raw uint8 NHWC face crops through ONNX
// Runtime, as the runtime feeds it: manifest normalisation, T Monte Carlo noise draws per face from
// a seeded PRNG. Writes the per-sample logits [N, T] (before temperature) and, when the model has a
// `features` output, the features [N, D], as raw float32. Used by models/training/sbi_compare.py.
//
//   node models/training/onnx_predict.mjs MODEL_DIR IMAGES.u8 N SIZE T OUT_PREFIX
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const [dir, imagesPath, nStr, sizeStr, tStr, outPrefix] = process.argv.slice(2);
const n = Number(nStr);
const s = Number(sizeStr);
const T = Number(tStr);
const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
if (m.input.size !== s) throw new Error(`model wants ${m.input.size} px crops, got ${s}`);
const session = await ort.InferenceSession.create(join(dir, m.file), { intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
let state = 12345;
const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
const normal = () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
const fd = openSync(imagesPath, 'r');
const outLogits = openSync(`${outPrefix}.logits.f32`, 'w');
const feat = m.outputs.features?.name;
const outFeat = feat ? openSync(`${outPrefix}.features.f32`, 'w') : null;
const batch = 16;
const px = s * s * 3;
const raw = Buffer.alloc(batch * px);
for (let i = 0; i < n; i += batch) {
  const b = Math.min(batch, n - i);
  readSync(fd, raw, 0, b * px, i * px);
  const x = new Float32Array(b * px);
  for (let k = 0; k < b; k++)
    for (let p = 0; p < s * s; p++)
      for (let c = 0; c < 3; c++) x[(k * 3 + c) * s * s + p] = (raw[k * px + p * 3 + c] * m.input.scale - m.input.mean[c]) / m.input.std[c];
  const feeds = { [m.input.name]: new ort.Tensor('float32', x, [b, 3, s, s]) };
  for (const spec of m.mc.inputs) {
    const w = spec.shape[2];
    const d = new Float32Array(b * T * w);
    for (let j = 0; j < d.length; j++) d[j] = spec.distribution === 'bernoulli-mask' ? (rand() < spec.rate ? 0 : 1 / (1 - spec.rate)) : normal();
    feeds[spec.name] = new ort.Tensor('float32', d, [b, T, w]);
  }
  const r = await session.run(feeds);
  const l = r[m.outputs.logits.name].data;
  writeSync(outLogits, Buffer.from(l.buffer, l.byteOffset, l.byteLength));
  if (outFeat) {
    const f = r[feat].data;
    writeSync(outFeat, Buffer.from(f.buffer, f.byteOffset, f.byteLength));
  }
}
closeSync(fd);
closeSync(outLogits);
if (outFeat) closeSync(outFeat);
