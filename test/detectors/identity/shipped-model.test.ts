/**
 * The shipped identity-steadiness model (models/identity-steadiness) and its detector: the ONNX
 * graph computes torch's descriptor (parity.json), a model file or manifest that does not match is
 * refused with E_MODEL, and through the contract a track is "insufficient" until its window holds
 * enough pairs, a frozen face is steadier (higher p(fake)) than one whose pixels change every
 * frame, runs repeat, and ended tracks are freed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../../src/core/frame.js';
import type { TrackedFace } from '../../../src/core/face.js';
import type { DetectorOutput } from '../../../src/detectors/contract.js';
import { builtinRegistry } from '../../../src/detectors/builtin.js';
import { identityRegistration } from '../../../src/detectors/identity/index.js';
import { loadIdentityModel } from '../../../src/detectors/identity/manifest.js';
import { createOnnxSessionFactory } from '../../../src/detectors/onnx/session.js';
import { parseWith } from '../../../src/config/validate.js';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const DIR = join(MODELS, 'identity-steadiness');
const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
const tmp = mkdtempSync(join(tmpdir(), 'fakescope-identity-'));
afterAll(async () => {
  await sessions.releaseAll();
  rmSync(tmp, { recursive: true, force: true });
});

const W = 160;
const H = 160;
const p = (x: number, y: number) => ({ x, y });
const face: TrackedFace = {
  trackId: 3,
  box: { x: 30, y: 20, w: 100, h: 120 },
  landmarks: { leftEye: p(62, 70), rightEye: p(98, 70), noseTip: p(80, 92), mouth: p(80, 112), leftEar: p(40, 80), rightEar: p(120, 80) },
  score: 0.9,
  source: 'detected',
  age: 0,
};

/** A smooth face-sized pattern; `jitter` > 0 adds per-frame noise of that many grey levels. */
function frame(seq: number, jitter: number): Frame {
  const data = new Uint8Array(W * H * 3);
  let s = (seq * 2654435761 + 12345) >>> 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const n = jitter ? ((s >>> 8) / 2 ** 24 - 0.5) * 2 * jitter : 0;
      const v = 120 + 50 * Math.cos(x / 9) * Math.sin(y / 13) + 30 * Math.cos((x + y) / 21) + n;
      for (let c = 0; c < 3; c++) data[(y * W + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v + 10 * c)));
    }
  return { streamId: 't', seq, ptsMs: (seq * 1000) / 30, width: W, height: H, data };
}

async function detector(seed = 1) {
  expect(builtinRegistry().get('identity')).toBe(identityRegistration);
  const config = { ...parseWith(identityRegistration.schema, { type: 'identity' }, 'identity'), name: 'identity' };
  const d = await identityRegistration.create(config, { sessions, seed, modelsDir: MODELS });
  await d.warmup();
  return d;
}

async function run(jitter: number, frames: number, seed = 1): Promise<DetectorOutput[]> {
  const d = await detector(seed);
  const out: DetectorOutput[] = [];
  for (let i = 0; i < frames; i++) out.push((await d.infer({ frame: frame(i, jitter), faces: [face] })).get(face.trackId) as DetectorOutput);
  d.endTrack(face.trackId);
  expect((d as unknown as { trackCount: number }).trackCount).toBe(0);
  await d.dispose();
  return out;
}

describe('shipped identity-steadiness model', () => {
  it("computes torch's descriptor for the parity input", async () => {
    const model = await loadIdentityModel(join(DIR, 'manifest.json'), sessions);
    const parity = JSON.parse(readFileSync(join(DIR, 'parity.json'), 'utf8')) as { N: number; tolerance: number; descriptor: number[][] };
    const s = model.input.size;
    const image = Float32Array.from({ length: parity.N * 3 * s * s }, (_, i) => (((i * 7919) % 1000) / 500 - 1) * 127.5 + 127.5);
    const out = await model.session.run({ image: new ort.Tensor('float32', image, [parity.N, 3, s, s]) });
    const got = out.descriptor?.data as Float32Array;
    const want = parity.descriptor.flat();
    expect(got.length).toBe(want.length);
    const worst = want.reduce((m, v, i) => Math.max(m, Math.abs(v - (got[i] as number))), 0);
    expect(worst).toBeLessThan(parity.tolerance);
    expect(model.manifest.map.a).toBeGreaterThan(0);
  });

  it('refuses a model file that does not match its manifest, and a map that decreases', async () => {
    const dir = join(tmp, 'bad');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    copyFileSync(join(DIR, 'model.onnx'), join(dir, 'model.onnx'));
    const m = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as Record<string, unknown> & { map: { a: number } };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...m, sha256: 'f'.repeat(64) }));
    await expect(loadIdentityModel(join(dir, 'manifest.json'), sessions)).rejects.toMatchObject({ code: 'E_MODEL', message: expect.stringMatching(/does not match the manifest/) });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...m, map: { ...m.map, a: -1 } }));
    await expect(loadIdentityModel(join(dir, 'manifest.json'), sessions)).rejects.toMatchObject({ code: 'E_MODEL' });
    await expect(loadIdentityModel(join(dir, 'missing.json'), sessions)).rejects.toMatchObject({ code: 'E_MODEL', message: expect.stringMatching(/not found/) });
  });
});

describe('identity detector', () => {
  it('is insufficient until the window has its pairs, then scores; a frozen face is steadier than a flickering one', async () => {
    const still = await run(0, 36);
    const flicker = await run(40, 36);
    // 30 fps, one descriptor every 3rd frame, 8 pairs needed: the 9th descriptor is frame 24.
    expect(still.slice(0, 24).every((o) => o.state === 'insufficient' && o.pFake === null && /window filling/.test(o.reason ?? ''))).toBe(true);
    expect(still[24]?.state).toBe('ok');
    const a = still.at(-1) as DetectorOutput;
    const b = flicker.at(-1) as DetectorOutput;
    expect(a.measurements?.consistency).toBeCloseTo(1, 4);
    expect(b.measurements?.consistency as number).toBeLessThan(a.measurements?.consistency as number);
    expect(b.pFake as number).toBeLessThan(a.pFake as number);
    expect(a.uncertainty?.epistemic).toBeCloseTo(0, 6); // identical pairs: nothing to bootstrap
    expect(b.uncertainty?.samples).toBe(32);
  });

  it('repeats a run exactly under the same seed', async () => {
    const x = await run(40, 30, 5);
    const y = await run(40, 30, 5);
    expect(x.at(-1)).toEqual(y.at(-1));
  });

  it('is family biological: it does not apply to stills', async () => {
    expect((await detector()).family).toBe('biological');
  });
});
