// Records reference outputs of the ORIGINAL TF.js models (run by @tensorflow/tfjs, CPU backend) on
// fixed inputs, for the parity checks of the PyTorch ports (parity.py) and the ONNX conversion test.
// Dev-only tool: @tensorflow/tfjs is not a dependency of fakescope. Install it outside the repo:
//   npm install --prefix /work/cache/tfjs @tensorflow/tfjs@4
//   node models/training/pretrained/tfjs_reference.mjs [job ...]
// Env: TFJS_DIR (default /work/cache/tfjs/node_modules/@tensorflow/tfjs), FAKESCOPE_NPM_CACHE.
// Input: ((i·7919) mod 1000)/1000 over the flat NHWC index, times the job's scale.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const npm = process.env.FAKESCOPE_NPM_CACHE ?? '/work/cache/npm';
const require = createRequire(import.meta.url);
const tf = require(process.env.TFJS_DIR ?? '/work/cache/tfjs/node_modules/@tensorflow/tfjs');
const human = join(npm, 'human-models/package/models');
const faceApi = join(npm, 'face-api/package/model');

export const JOBS = {
  faceres: {
    model: join(human, 'faceres-deep.json'), input: 'input_1', shape: [1, 64, 64, 3], scale: 255,
    outputs: { mid: 'conv_pw_11_relu/clip_by_value', last: 'conv_pw_13_relu/clip_by_value',
      pooled: 'global_pooling/Mean', gender: 'gender_pred/Sigmoid', age: 'age_pred/Softmax' },
    file: join(here, 'reference', 'faceres.json'),
  },
  // The first conv and separable block of faceres (stride 2 with TF's asymmetric padding, depthwise,
  // pointwise): the tiny ONNX conversion fixture of test/models/conversion.test.ts.
  'faceres-stem': {
    model: join(human, 'faceres-deep.json'), input: 'input_1', shape: [1, 16, 16, 3], scale: 255,
    outputs: { out: 'conv_pw_1_relu/clip_by_value' },
    file: join(root, 'test', 'fixtures', 'conversion', 'faceres-stem.reference.json'),
  },
  // The head's upsampling sizes are constants for 512 px, so the whole detector runs at 512; maps over
  // MAX_VALUES are kept at every stride-th flat NHWC index (with their full max |x|).
  centernet: {
    model: join(human, 'centernet.json'), input: 'tower_0/images', shape: [1, 512, 512, 3], scale: 255,
    outputs: { mid: 'tower_0/MobilenetV3/expanded_conv_11/add', last: 'tower_0/extern1/hard_swish/mul_1',
      block14: 'tower_0/MobilenetV3/expanded_conv_14/add', keypoints: 'tower_0/keypoints', wh: 'tower_0/wh' },
    file: join(here, 'reference', 'centernet.json'),
  },
  // face-api's own code (dist/face-api.node.js, with '@tensorflow/tfjs-node' resolved to the pure-JS
  // @tensorflow/tfjs) on a 112×112 input, which its toNetInput passes through unchanged.
  landmarks68: {
    faceApi: join(faceApi, 'face_landmark_68_model-weights_manifest.json'), shape: [1, 112, 112, 3], scale: 255,
    outputs: { pooled: 'faceFeatureExtractor.forwardInput', out: 'forwardInput',
      landmarks: 'forward (relative positions of the 112-px square)' },
    file: join(here, 'reference', 'landmarks68.json'),
  },
};
const MAX_VALUES = 4096;

function formula(shape, scale) {
  const n = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (((i * 7919) % 1000) / 1000) * scale;
  return tf.tensor(x, shape);
}

async function loadGraph(path) {
  const spec = JSON.parse(readFileSync(path, 'utf8'));
  // Fixed 224-px placeholders would refuse smaller inputs; the networks are fully convolutional, so
  // only height and width are freed (the computation is unchanged).
  for (const node of spec.modelTopology.node) {
    const dims = node.op === 'Placeholder' ? node.attr?.shape?.shape?.dim : undefined;
    if (dims?.length === 4) { dims[1].size = '-1'; dims[2].size = '-1'; }
  }
  for (const sig of Object.values(spec.signature?.inputs ?? {})) {
    const dims = sig.tensorShape?.dim;
    if (dims?.length === 4) { dims[1].size = '-1'; dims[2].size = '-1'; }
  }
  const specs = [];
  const buffers = [];
  for (const group of spec.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(readFileSync(join(dirname(path), p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadGraphModel({
    load: async () => ({ modelTopology: spec.modelTopology, weightSpecs: specs, weightData, format: spec.format,
      generatedBy: spec.generatedBy, convertedBy: spec.convertedBy, signature: spec.signature }),
  });
}

function summary(t) {
  const all = t.dataSync();
  const stride = Math.ceil(all.length / MAX_VALUES);
  const kept = new Float32Array(Math.ceil(all.length / stride));
  for (let i = 0; i < kept.length; i++) kept[i] = all[i * stride];
  const maxAbs = all.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return { stride, maxAbs, data: Buffer.from(kept.buffer).toString('base64') };
}

export async function record(name, job, run) {
  const x = formula(job.shape, job.scale);
  const keys = Object.keys(job.outputs);
  const result = await run(x, keys.map((k) => job.outputs[k]));
  const outs = Array.isArray(result) ? result : [result];
  const outputs = {};
  keys.forEach((k, i) => { outputs[k] = { node: job.outputs[k], shape: outs[i].shape, ...summary(outs[i]) }; });
  const doc = { job: name, model: (job.model ?? job.faceApi).replace(npm + '/', ''), tfjs: tf.version.tfjs, backend: tf.getBackend(),
    input: { shape: job.shape, formula: '((i*7919) mod 1000)/1000 * scale, flat NHWC index i', scale: job.scale },
    layout: 'NHWC float32 little-endian, base64; values at flat indices 0, stride, 2*stride, ...', outputs };
  mkdirSync(dirname(job.file), { recursive: true });
  writeFileSync(job.file, JSON.stringify(doc, null, 1) + '\n');
  console.log(`${name}: ${keys.map((k, i) => `${k} ${JSON.stringify(outs[i].shape)}`).join(', ')} → ${job.file}`);
}

function loadFaceApi() {
  const Module = require('node:module');
  const resolve = Module._resolveFilename;
  const tfjs = require.resolve(process.env.TFJS_DIR ?? '/work/cache/tfjs/node_modules/@tensorflow/tfjs');
  Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, request === '@tensorflow/tfjs-node' ? tfjs : request, ...rest);
  };
  try {
    return require(join(npm, 'face-api/package/dist/face-api.node.js'));
  } finally {
    Module._resolveFilename = resolve;
  }
}

async function runLandmarks(job) {
  const faceapi = loadFaceApi();
  const ftf = faceapi.tf;
  await ftf.setBackend('cpu');
  const manifest = JSON.parse(readFileSync(job.faceApi, 'utf8'));
  const specs = manifest.flatMap((g) => g.weights);
  const bin = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(job.faceApi), p)))));
  const net = faceapi.nets.faceLandmark68Net;
  net.loadFromWeightMap(ftf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), specs));
  await record('landmarks68', job, async (x) => {
    const input = await faceapi.toNetInput(ftf.tensor(x.dataSync(), x.shape));
    const pooled = net.faceFeatureExtractor.forwardInput(input);
    const out = net.forwardInput(input);
    const landmarks = await net.forward(ftf.tensor(x.dataSync(), x.shape));
    return [pooled, out, landmarks];
  });
}

async function main() {
  await tf.setBackend('cpu');
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(JOBS);
  for (const name of names) {
    const job = JOBS[name];
    if (job.faceApi) {
      await runLandmarks(job);
      continue;
    }
    const model = await loadGraph(job.model);
    await record(name, job, async (x, nodes) => model.execute({ [job.input]: x }, nodes));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
