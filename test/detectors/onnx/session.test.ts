import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../src/app.js';
import { checkExecutionProvider, createOnnxSessionFactory, isBatchable } from '../../../src/detectors/onnx/session.js';
import { loadFaceDetectorManifest } from '../../../src/detectors/face/manifest.js';

describe('ONNX session factory', () => {
  it('creates CPU sessions once per model and shares them', async () => {
    const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
    const file = loadFaceDetectorManifest('blazeface-front-128').file;
    const [a, b] = await Promise.all([sessions.create(file), sessions.create(file)]);
    expect(a).toBe(b);
    expect(a.inputNames).toEqual(['input:0']);
    await sessions.releaseAll();
  });

  it('says clearly when a model file is missing', async () => {
    const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
    await expect(sessions.create('/no/such/model.onnx')).rejects.toThrow('model file not found: /no/such/model.onnx');
  });

  it('explains how to get CUDA when its provider libraries are not installed', () => {
    // The CUDA download is skipped at install (package.json allowScripts), so here it is absent.
    expect(() => checkExecutionProvider('cuda')).toThrow(/"cuda" requested but its libraries are not installed; .*--onnxruntime-node-install=cuda12/);
  });

  it('runs inference in a worker thread with the same outputs, and batches concurrent runs across callers', async () => {
    const file = join(PACKAGE_ROOT, 'models', 'rppg', 'model.onnx');
    const inProcess = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
    const worker = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1, workers: 1 });
    const [a, b] = [await inProcess.create(file), await worker.create(file)];
    expect(b.inputNames).toEqual(a.inputNames);
    expect(isBatchable(b)).toBe(true);
    const feeds = (seed: number) => {
      let s = seed;
      const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
      const out: Record<string, ort.Tensor> = {};
      for (const m of a.inputMetadata) {
        if (!m.isTensor) continue;
        const dims = m.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : 4));
        out[m.name] = new ort.Tensor('float32', Float32Array.from({ length: dims.reduce((x, y) => x * y, 1) }, rnd), dims);
      }
      return out;
    };
    const inputs = [1, 2, 3, 4].map(feeds);
    const expected = await Promise.all(inputs.map((f) => a.run(f)));
    const got = await Promise.all(inputs.map((f) => b.run(f)));
    for (let i = 0; i < inputs.length; i++) {
      for (const name of a.outputNames) {
        const e = expected[i]![name]!.data as Float32Array;
        const g = got[i]![name]!.data as Float32Array;
        expect(g.length).toBe(e.length);
        for (let j = 0; j < e.length; j++) expect(Math.abs((g[j] as number) - (e[j] as number))).toBeLessThan(1e-4);
      }
    }
    // The first run left at once; the three that came while it ran left together.
    const sizes = [...worker.batchSizes().values()][0];
    expect(sizes).toEqual(new Map([[1, 1], [3, 1]]));
    await Promise.all([inProcess.releaseAll(), worker.releaseAll()]);
  });

  it('does not batch a model whose batch dimension is fixed (BlazeFace)', async () => {
    const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1, workers: 1 });
    expect(isBatchable(await sessions.create(loadFaceDetectorManifest('blazeface-front-128').file))).toBe(false);
    await sessions.releaseAll();
  });
});
