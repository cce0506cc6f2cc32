// Named outputs of a blind model for every image of a raw uint8 NHWC file, through ONNX Runtime,
// with the deterministic mean network (every MC mask all ones, T = 1). Normalisation and the mask
// inputs are read from the model's manifest.json. Writes OUT_PREFIX.<output>.f32 (raw float32).
// Driven by `python3 -m models.training.identity_stability --onnx MODEL.onnx`.
//
//   node models/training/onnx_outputs.mjs MODEL.onnx MANIFEST.json IMAGES.u8 N OUT_PREFIX OUTPUT…
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { nhwcToNchw } from './onnx_io.mjs';

const [modelPath, manifestPath, imagesPath, nStr, outPrefix, ...names] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const { size: s, mean, std } = manifest.input;
const n = Number(nStr);
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
const fd = openSync(imagesPath, 'r');
const outs = Object.fromEntries(names.map((k) => [k, openSync(`${outPrefix}.${k}.f32`, 'w')]));
const batch = 32;
const px = s * s * 3;
const raw = Buffer.alloc(batch * px);
const t0 = Date.now();
for (let i = 0; i < n; i += batch) {
  const b = Math.min(batch, n - i);
  readSync(fd, raw, 0, b * px, i * px);
  const x = nhwcToNchw(raw, b, s, mean, std);
  const feeds = { [manifest.input.name ?? 'image']: new ort.Tensor('float32', x, [b, 3, s, s]) };
  for (const m of manifest.mc?.inputs ?? []) {
    const dim = m.shape[2];
    feeds[m.name] = new ort.Tensor('float32', new Float32Array(b * dim).fill(1), [b, 1, dim]);
  }
  const r = await session.run(feeds);
  for (const k of names) {
    const d = r[k].data;
    writeSync(outs[k], Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
  if ((i / batch) % 20 === 0) process.stderr.write(`${i + b}/${n} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
}
closeSync(fd);
for (const f of Object.values(outs)) closeSync(f);
process.stdout.write(JSON.stringify({ n, seconds: (Date.now() - t0) / 1000 }) + '\n');
