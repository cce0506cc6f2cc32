/**
 * The shipped classifier (models/rppg): the manifest matches the runtime, the ONNX graph computes
 * what torch computed (parity.json), Monte Carlo masks actually change the output (ORT must not
 * have optimised the sampling away), and seeded runs repeat. Broken or mismatching model folders
 * are refused with E_MODEL.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxSessionFactory } from '../../../src/detectors/onnx/session.js';
import { type ScoreRequest, meanNetworkLogits, scoreWindows } from '../../../src/detectors/rppg/classifier.js';
import type { ClassifierInput } from '../../../src/detectors/rppg/classifier-input.js';
import { type RppgModel, loadRppgModel } from '../../../src/detectors/rppg/model.js';

const MODEL_DIR = fileURLToPath(new URL('../../../models/rppg/', import.meta.url));
const MANIFEST = join(MODEL_DIR, 'manifest.json');

const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
let model: RppgModel;

beforeAll(async () => {
  model = await loadRppgModel(MANIFEST, sessions);
});
afterAll(async () => {
  await sessions.releaseAll();
});

/** A deterministic, non-trivial input (a noisy 1.2 Hz map). */
function input(seed: number): ClassifierInput {
  const map = new Float32Array(model.mapRows * model.mapCols);
  for (let r = 0; r < model.mapRows; r++) {
    for (let c = 0; c < model.mapCols; c++) map[r * model.mapCols + c] = Math.sin(0.25 * c + r * 0.1 * seed) * 0.5 + 0.1 * Math.cos(seed * (r + c));
  }
  const features = Float32Array.from({ length: model.featureCount }, (_, i) => ((seed + i) % 5) / 5 - 0.3);
  return { map, rows: model.mapRows, cols: model.mapCols, features };
}

describe('shipped rPPG model', () => {
  it('is small and described by its manifest', () => {
    expect(model.manifest.bytes).toBeLessThan(1024 * 1024);
    expect(model.manifest.mc.inputs.length).toBe(1);
    expect(model.temperature).toBeGreaterThan(0);
    expect(model.manifest.calibration?.eceBins).toBe(15);
  });

  it("computes torch's outputs for the parity inputs", async () => {
    const parity = JSON.parse(readFileSync(join(MODEL_DIR, 'parity.json'), 'utf8')) as { N: number; T: number; rate: number; tolerance: number; logits: number[][] };
    const { N, T, rate } = parity;
    const width = model.noise[0]?.width as number;
    const mapSize = model.mapRows * model.mapCols;
    const map = Float32Array.from({ length: N * mapSize }, (_, i) => ((i * 7919) % 1000) / 500 - 1);
    const features = Float32Array.from({ length: N * model.featureCount }, (_, i) => ((i * 7919) % 2001) / 1000 - 1);
    const noise = Float32Array.from({ length: N * T * width }, (_, i) => ((i * 104729) % 5 === 0 ? 0 : 1 / (1 - rate)));
    const m = model.manifest;
    const out = await model.session.run({
      [m.inputs.map.name]: new ort.Tensor('float32', map, [N, model.mapRows, model.mapCols]),
      [m.inputs.features.name]: new ort.Tensor('float32', features, [N, model.featureCount]),
      [m.mc.inputs[0]?.name as string]: new ort.Tensor('float32', noise, [N, T, width]),
    });
    const logits = (out[m.outputs.logits.name] as ort.Tensor).data as Float32Array;
    parity.logits.flat().forEach((want, i) => expect(Math.abs((logits[i] as number) - want)).toBeLessThanOrEqual(parity.tolerance));
  });

  it('MC samples differ across masks (dropout survived export and graph optimisation)', async () => {
    const [score] = await scoreWindows(model, [{ input: input(1), seed: 5 }], 32);
    const distinct = new Set(Array.from(score?.samples ?? [], (p) => p.toFixed(6)));
    expect(distinct.size).toBeGreaterThan(16);
    expect(score?.stats.std).toBeGreaterThan(0);
    expect(score?.stats.epistemic).toBeGreaterThan(0);
  });

  it('identical masks give identical outputs', async () => {
    const x = input(2);
    const a = await meanNetworkLogits(model, [x, x]);
    expect(a[0]).toBe(a[1]);
    const b = await meanNetworkLogits(model, [x]);
    expect(b[0]).toBeCloseTo(a[0] as number, 5);
  });

  it('seeded runs repeat exactly, whatever else shares the batch; other seeds differ', async () => {
    const req: ScoreRequest = { input: input(3), seed: 1234 };
    const [alone] = await scoreWindows(model, [req], 16);
    const [, batched] = await scoreWindows(model, [{ input: input(4), seed: 99 }, req], 16);
    const [other] = await scoreWindows(model, [{ ...req, seed: 1235 }], 16);
    expect(Array.from(batched?.samples ?? [])).toEqual(Array.from(alone?.samples ?? []).map((p) => expect.closeTo(p, 6)));
    expect(Array.from(other?.samples ?? [])).not.toEqual(Array.from(alone?.samples ?? []));
  });
});

describe('model folder checks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fakescope-rppg-model-'));
    copyFileSync(join(MODEL_DIR, 'model.onnx'), join(dir, 'model.onnx'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A manifest next to a copy of the model, edited. */
  function manifest(name: string, edit: (m: Record<string, unknown>) => void): string {
    const m = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, unknown>;
    edit(m);
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(m));
    return path;
  }

  it.each([
    ['missing manifest', () => join(dir, 'absent.json'), /manifest not found/],
    ['wrong sha256', () => manifest('sha', (m) => (m.sha256 = '0'.repeat(64))), /does not match the manifest/],
    ['other features', () => manifest('features', (m) => ((m.inputs as { features: { names: string[] } }).features.names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])), /features/],
    ['other window', () => manifest('window', (m) => ((m.window as { fs: number }).fs = 25)), /fs = 25/],
    ['other input name', () => manifest('input', (m) => ((m.inputs as { map: { name: string } }).map.name = 'image')), /no input "image"/],
    ['unknown key', () => manifest('unknown', (m) => (m.surprise = true)), /does not match fakescope-model-manifest/],
    ['missing model file', () => manifest('nofile', (m) => (m.file = 'nope.onnx')), /not found/],
  ] as [string, () => string, RegExp][])('refuses a %s with E_MODEL', async (_what, make, message) => {
    await expect(loadRppgModel(make(), sessions)).rejects.toMatchObject({ code: 'E_MODEL', message: expect.stringMatching(message) });
  });
});
