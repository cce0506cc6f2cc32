import { describe, expect, it } from 'vitest';
import { checkExecutionProvider, createOnnxSessionFactory } from '../../../src/detectors/onnx/session.js';
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
});
