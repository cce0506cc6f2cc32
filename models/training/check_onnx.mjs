#!/usr/bin/env node
// Checks exported blind detectors with onnxruntime-node at graphOptimizationLevel 'all' (the level
// the app uses, where ORT deletes Dropout nodes):
//   - the file's sha256 and the I/O names and shapes match manifest.json,
//   - outputs match torch on the closed-formula inputs of parity.json,
//   - the same seeded noise gives identical outputs, different noise different outputs, and the T
//     samples of one call differ from each other (logits, dense_logits and gen_logits),
//   - dynamic N and T work (1×1, 3×32) and the mean noise runs; prints the latency of N=1, T=16/32.
//
//   node models/training/check_onnx.mjs [models/<name> ...]   (default: every models/*/manifest.json)
// Exit code 1 when any check fails.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ort = createRequire(import.meta.url)('onnxruntime-node');

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Noise for one MC input as the manifest describes it, from a seeded PRNG. */
function sampleNoise(spec, n, t, rand) {
  const width = spec.shape[2];
  const out = new Float32Array(n * t * width);
  if (spec.distribution === 'bernoulli-mask') {
    const keep = 1 / (1 - spec.rate);
    for (let i = 0; i < out.length; i++) out[i] = rand() < spec.rate ? 0 : keep;
  } else if (spec.distribution === 'standard-normal') {
    for (let i = 0; i < out.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - rand()));
      const th = 2 * Math.PI * rand();
      out[i] = r * Math.cos(th);
      if (i + 1 < out.length) out[i + 1] = r * Math.sin(th);
    }
  } else {
    throw new Error(`unknown noise distribution ${spec.distribution}`);
  }
  return new ort.Tensor('float32', out, [n, t, width]);
}

function meanNoise(spec, n) {
  const v = spec.distribution === 'bernoulli-mask' ? 1 : 0;
  return new ort.Tensor('float32', new Float32Array(n * spec.shape[2]).fill(v), [n, 1, spec.shape[2]]);
}

function randomImage(size, n, rand) {
  const d = new Float32Array(n * 3 * size * size);
  for (let i = 0; i < d.length; i++) d[i] = rand() * 2 - 1;
  return new ort.Tensor('float32', d, [n, 3, size, size]);
}

// The closed-formula inputs of models/training/export.py (parity_image, parity_noise).
function parityImage(n, size) {
  const d = new Float32Array(n * 3 * size * size);
  for (let i = 0; i < d.length; i++) d[i] = ((i * 7919) % 1000) / 500 - 1;
  return new ort.Tensor('float32', d, [n, 3, size, size]);
}
function parityNoise(spec, mode, n, t) {
  const width = spec.shape[2];
  const d = new Float32Array(n * t * width);
  for (let i = 0; i < d.length; i++) {
    d[i] = mode === 'dropout-mask' ? ((i * 104729) % 5 === 0 ? 0 : 1 / (1 - spec.rate)) : ((i * 7919) % 2001) / 1000 - 1;
  }
  return new ort.Tensor('float32', d, [n, t, width]);
}

const maxAbsDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** Largest spread over the T axis of a [N, T, ...] output: > 0 when samples differ within a call. */
function spreadOverT(tensor) {
  const [n, t] = tensor.dims;
  const inner = tensor.data.length / (n * t);
  let best = 0;
  for (let a = 0; a < n; a++) {
    for (let k = 0; k < inner; k++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let s = 0; s < t; s++) {
        const v = tensor.data[(a * t + s) * inner + k];
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      best = Math.max(best, hi - lo);
    }
  }
  return best;
}

async function checkModel(dir) {
  const failures = [];
  const check = (ok, what) => {
    console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
  };
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  console.log(`${manifest.name} (${manifest.family}, ${manifest.mc.mode})`);
  const file = join(dir, manifest.file);
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
  check(sha === manifest.sha256, `sha256 matches manifest (${sha.slice(0, 12)}…)`);

  const session = await ort.InferenceSession.create(file, {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const [noiseSpec, denseSpec] = manifest.mc.inputs;
  const inputNames = [manifest.input.name, noiseSpec.name, denseSpec.name];
  // A model with a feature density also returns the pooled features it reads (`outputs.features`).
  const outNames = ['logits', 'dense_logits', 'gen_logits', 'features'].filter((k) => manifest.outputs[k]).map((k) => manifest.outputs[k].name);
  check(JSON.stringify(session.inputNames) === JSON.stringify(inputNames), `inputs ${session.inputNames.join(', ')}`);
  check(JSON.stringify(session.outputNames) === JSON.stringify(outNames), `outputs ${session.outputNames.join(', ')}`);

  const size = manifest.input.size;
  const run = (image, noise, dense) =>
    session.run({ [inputNames[0]]: image, [inputNames[1]]: noise, [inputNames[2]]: dense });

  const parityPath = join(dir, 'parity.json');
  if (existsSync(parityPath)) {
    const parity = JSON.parse(readFileSync(parityPath, 'utf8'));
    const mode = manifest.mc.mode;
    const out = await run(
      parityImage(parity.N, size),
      parityNoise(noiseSpec, mode, parity.N, parity.T),
      parityNoise(denseSpec, mode, parity.N, parity.T),
    );
    const diffs = ['logits', 'dense_logits', 'gen_logits'].map((k) =>
      maxAbsDiff(out[manifest.outputs[k].name].data, parity[k].flat(3)),
    );
    check(Math.max(...diffs) <= parity.tolerance, `matches torch on parity inputs (max |diff| ${Math.max(...diffs).toExponential(2)})`);
  } else {
    check(false, 'parity.json present');
  }

  const n = 2;
  const t = 8;
  const image = randomImage(size, n, mulberry32(7));
  const draw = (seed) => {
    const r = mulberry32(seed);
    return [sampleNoise(noiseSpec, n, t, r), sampleNoise(denseSpec, n, t, r)];
  };
  const a1 = await run(image, ...draw(1));
  const a2 = await run(image, ...draw(1));
  const b = await run(image, ...draw(2));
  const grid = manifest.outputs.dense_logits.grid;
  const k = manifest.outputs.gen_logits.classes.length;
  const expect = { logits: [n, t], dense_logits: [n, t, grid.h, grid.w], gen_logits: [n, t, k] };
  for (const key of ['logits', 'dense_logits', 'gen_logits']) {
    const name = manifest.outputs[key].name;
    check(JSON.stringify(a1[name].dims) === JSON.stringify(expect[key]), `${name} shape [${a1[name].dims}]`);
    const same = maxAbsDiff(a1[name].data, a2[name].data);
    const other = maxAbsDiff(a1[name].data, b[name].data);
    const spread = spreadOverT(a1[name]);
    check(same === 0, `${name}: same seed, identical outputs (max |diff| ${same})`);
    check(other > 1e-6, `${name}: other seed, outputs differ (max |diff| ${other.toExponential(2)})`);
    check(spread > 1e-6, `${name}: the ${t} samples of one call differ (max spread ${spread.toExponential(2)})`);
  }

  const one = await run(randomImage(size, 1, mulberry32(3)), ...[noiseSpec, denseSpec].map((s) => sampleNoise(s, 1, 1, mulberry32(4))));
  check(JSON.stringify(one[outNames[0]].dims) === '[1,1]', 'N=1, T=1 runs');
  const big = await run(randomImage(size, 3, mulberry32(5)), ...[noiseSpec, denseSpec].map((s) => sampleNoise(s, 3, 32, mulberry32(6))));
  check(JSON.stringify(big[outNames[0]].dims) === '[3,32]', 'N=3, T=32 runs');
  const mean = await run(randomImage(size, 2, mulberry32(8)), meanNoise(noiseSpec, 2), meanNoise(denseSpec, 2));
  check(mean[outNames[0]].dims[1] === 1, 'mean noise (T=1) runs');

  for (const samples of [16, 32]) {
    const img = randomImage(size, 1, mulberry32(9));
    const times = [];
    for (let i = 0; i < 12; i++) {
      const r = mulberry32(100 + i);
      const inputs = [sampleNoise(noiseSpec, 1, samples, r), sampleNoise(denseSpec, 1, samples, r)];
      const t0 = performance.now();
      await run(img, ...inputs);
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    console.log(`  info latency N=1, T=${samples}: median ${times[6].toFixed(1)} ms (1 thread)`);
  }
  await session.release?.();
  return failures;
}

const args = process.argv.slice(2);
const modelsDir = resolve(here, '..');
const dirs = args.length
  ? args.map((a) => resolve(a))
  : readdirSync(modelsDir)
      .map((d) => join(modelsDir, d))
      .filter((d) => existsSync(join(d, 'manifest.json')))
      // Blind models only; other kinds (models/rppg) have their own checks in test/detectors/.
      .filter((d) => JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')).kind === 'blind');
if (dirs.length === 0) {
  console.error('no model folders with manifest.json found');
  process.exit(1);
}
let failed = 0;
for (const dir of dirs) {
  const f = await checkModel(dir);
  if (f.length) failed++;
}
console.log(failed ? `${failed} of ${dirs.length} models FAILED` : `all ${dirs.length} models passed`);
process.exit(failed ? 1 : 0);
