import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createOnnxSessionFactory } from '../../src/detectors/onnx/session.js';

// The first layers of the FaceRes port (models/training/pretrained), exported to ONNX, against the
// ORIGINAL TF.js model's output recorded by @tensorflow/tfjs on the same fixed input
// (models/training/pretrained/tfjs_reference.mjs). Neither torch nor the npm package is needed here.
const dir = join(import.meta.dirname, '..', 'fixtures', 'conversion');
const reference = JSON.parse(readFileSync(join(dir, 'faceres-stem.reference.json'), 'utf8')) as {
  input: { shape: [number, number, number, number]; scale: number };
  outputs: { out: { shape: [number, number, number, number]; stride: number; data: string } };
};
/** Max abs error allowed, relative to the largest reference magnitude (float32 summation order). */
const REL_TOL = 1e-4;

function formulaNhwc(shape: readonly number[], scale: number): Float32Array {
  const x = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < x.length; i++) x[i] = (((i * 7919) % 1000) / 1000) * scale;
  return x;
}

/** [N, A, B, C] → [N, C, A, B] (NHWC → NCHW), or with `inverse` [N, C, A, B] → [N, A, B, C]. */
type Shape4 = readonly [number, number, number, number];

function permute(x: Float32Array, [n, a, b, c]: Shape4, inverse = false): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < a; p++)
      for (let q = 0; q < b; q++)
        for (let k = 0; k < c; k++) {
          const nhwc = ((i * a + p) * b + q) * c + k;
          const nchw = ((i * c + k) * a + p) * b + q;
          if (inverse) y[nhwc] = x[nchw] as number;
          else y[nchw] = x[nhwc] as number;
        }
  return y;
}

function maxAbsError(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('TF.js → PyTorch → ONNX conversion (FaceRes stem)', () => {
  const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
  afterAll(() => sessions.releaseAll());
  const [n, h, w, c] = reference.input.shape;
  const buf = Buffer.from(reference.outputs.out.data, 'base64');
  const want = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

  async function run(nhwc: Float32Array): Promise<Float32Array> {
    const session = await sessions.create(join(dir, 'faceres-stem.onnx'));
    const out = await session.run({ image: new ort.Tensor('float32', permute(nhwc, [n, h, w, c]), [n, c, h, w]) });
    const t = out.features as ort.Tensor;
    const [, oc, oh, ow] = t.dims as unknown as Shape4;
    expect([n, oh, ow, oc]).toEqual(reference.outputs.out.shape);
    return permute(t.data as Float32Array, [n, oh, ow, oc], true);
  }

  it('matches the original TF.js model on the fixed input to the stated tolerance', async () => {
    expect(reference.outputs.out.stride).toBe(1); // every value recorded
    expect(want.length).toBe(reference.outputs.out.shape.reduce((a, b) => a * b, 1));
    expect(scale).toBeGreaterThan(1); // a non-trivial reference (ReLU6 activations, up to 6)
    const err = maxAbsError(await run(formulaNhwc(reference.input.shape, reference.input.scale)), want);
    expect(err).toBeLessThanOrEqual(REL_TOL * scale);
  });

  it('is sensitive to a spatial transpose (a kh/kw or H/W mix-up in the conversion would fail)', async () => {
    const x = formulaNhwc(reference.input.shape, reference.input.scale);
    const swapped = new Float32Array(x.length);
    for (let p = 0; p < h; p++)
      for (let q = 0; q < w; q++)
        for (let k = 0; k < c; k++) swapped[(q * h + p) * c + k] = x[(p * w + q) * c + k] as number;
    const err = maxAbsError(await run(swapped), want);
    expect(err).toBeGreaterThan(100 * REL_TOL * scale);
  });
});
