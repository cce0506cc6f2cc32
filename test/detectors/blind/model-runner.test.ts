import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBlindModel } from '../../../src/detectors/blind/manifest.js';
import { createBlindModelRunner } from '../../../src/detectors/blind/model-runner.js';
import { meanNoise, sampleNoise } from '../../../src/detectors/mc/noise.js';
import { createPrng } from '../../../src/detectors/mc/prng.js';
import { createOnnxSessionFactory } from '../../../src/detectors/onnx/session.js';

/** One blind-model call on the closed-form tiny model (test/fixtures/make_tiny_blind.py). */
const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
afterAll(() => sessions.releaseAll());
const model = loadBlindModel('tiny-blind', FIXTURES);

describe('blind model runner', () => {
  it('draws the noise input after input from one PRNG, or the mean network\'s', async () => {
    const runner = createBlindModelRunner(model, await sessions.create(model.file));
    const rng = createPrng(5);
    expect(runner.noise(2, 3, createPrng(5))).toEqual(model.noise.map((spec) => sampleNoise(spec, 2, 3, rng)));
    expect(runner.noise(2, 3, null)).toEqual(model.noise.map((spec) => meanNoise(spec, 2, 3)));
  });

  it('runs n images with t samples each in one call', async () => {
    const runner = createBlindModelRunner(model, await sessions.create(model.file));
    const plane = 16 * 16;
    const images = new Float32Array(2 * 3 * plane);
    [0.2, 0.4, 0.6].forEach((v, c) => images.fill(v, c * plane, (c + 1) * plane)); // image 1 stays black
    const out = await runner.run(images, 2, runner.noise(2, 2, null), 2);
    // Mean network: logit = 0.25 + Σ f_c·w_c with w = (2, −1, 0.5).
    const logits = Array.from(out[model.outputs.logits]?.data as Float32Array);
    expect(logits.map((l) => Number(l.toFixed(5)))).toEqual([0.55, 0.55, 0.25, 0.25]);
  });

  it('refuses a session that is not the manifest\'s model', async () => {
    const other = await sessions.create(model.file);
    const wrong = { ...other, inputNames: ['pixels', 'noise', 'dense_noise'] };
    expect(() => createBlindModelRunner(model, wrong)).toThrow(expect.objectContaining({ code: 'E_MODEL', message: expect.stringMatching(/inputs missing: image; unexpected inputs: pixels/) }));
  });
});
