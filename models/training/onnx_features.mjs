// Frozen-trunk maps of every cached view through ONNX Runtime (several times faster than torch's
// CPU convolutions here): reads raw uint8 NHWC images, writes the trunk's `mid` and `last` outputs
// as raw float32 NCHW. Driven by `python3 -m models.training.sbi_train features --engine onnx`.
//
//   node models/training/onnx_features.mjs TRUNK.onnx IMAGES.u8 N SIZE MEAN STD OUT_PREFIX
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { nhwcToNchw } from './onnx_io.mjs';

const [trunk, imagesPath, nStr, sizeStr, meanStr, stdStr, outPrefix] = process.argv.slice(2);
const n = Number(nStr);
const s = Number(sizeStr);
const mean = meanStr.split(',').map(Number);
const std = stdStr.split(',').map(Number);
const session = await ort.InferenceSession.create(trunk, { intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
const fd = openSync(imagesPath, 'r');
const outs = { mid: openSync(`${outPrefix}.mid.f32`, 'w'), last: openSync(`${outPrefix}.last.f32`, 'w') };
// The measurement trunks (pretrained/export_trunks.py) have a fixed batch of one.
const batch = Number(process.env.BATCH ?? 1);
const px = s * s * 3;
const raw = Buffer.alloc(batch * px);
const t0 = Date.now();
for (let i = 0; i < n; i += batch) {
  const b = Math.min(batch, n - i);
  readSync(fd, raw, 0, b * px, i * px);
  const x = nhwcToNchw(raw, b, s, mean, std);
  const r = await session.run({ image: new ort.Tensor('float32', x, [b, 3, s, s]) });
  for (const name of ['mid', 'last']) {
    const d = r[name].data;
    writeSync(outs[name], Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
  if ((i / batch) % 50 === 0) process.stderr.write(`${i + b}/${n} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
}
closeSync(fd);
for (const f of Object.values(outs)) closeSync(f);
process.stdout.write(JSON.stringify({ n, seconds: (Date.now() - t0) / 1000, mid: session.outputNames }) + '\n');
