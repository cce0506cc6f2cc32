import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFaceDetector } from '../../../src/detectors/face/face-detector.js';
import { BUILTIN_FACE_DETECTORS, loadFaceDetectorManifest } from '../../../src/detectors/face/manifest.js';
import { createOnnxSessionFactory } from '../../../src/detectors/onnx/session.js';

const dir = mkdtempSync(join(tmpdir(), 'fakescope-fd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeManifest(name: string, body: object): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body));
  return path;
}

describe('face detector manifests', () => {
  it('resolves the built-in BlazeFace models from the npm package and checks their sha256', () => {
    const m = loadFaceDetectorManifest('blazeface-back-256');
    expect(m.input.size).toBe(256);
    expect(m.file).toMatch(/face_detection_back_256x256_barracuda\.onnx$/);
  });

  it('plugs in another model by manifest path, relative file resolved next to the manifest', async () => {
    const builtin = BUILTIN_FACE_DETECTORS['blazeface-front-128']();
    const path = writeManifest('custom.json', { ...builtin, name: 'my-detector', file: builtin.file });
    const m = loadFaceDetectorManifest(path);
    expect(m.name).toBe('my-detector');
    const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
    const detector = await createFaceDetector(m, sessions);
    await detector.warmup();
    // A flat grey frame has no face.
    const frame = { streamId: 's', seq: 0, ptsMs: 0, width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(128) };
    expect(await detector.detect(frame)).toEqual([]);
    await sessions.releaseAll();
  });

  it.each([
    ['not json', 'x.json', null, /neither a built-in .* nor a readable manifest/],
    ['wrong schema', 'a.json', { schema: 'other' }, /schema must be "fakescope.face-detector\/1"/],
    ['bad layout', 'b.json', { schema: 'fakescope.face-detector/1', file: 'm.onnx', input: { name: 'i', size: 128, layout: 'HWC' } }, /layout/],
  ])('refuses a manifest with %s', (_what, name, body, message) => {
    const path = body === null ? join(dir, 'missing.json') : writeManifest(name, body);
    expect(() => loadFaceDetectorManifest(path)).toThrow(message);
  });

  it('refuses a model file whose sha256 does not match', () => {
    const builtin = BUILTIN_FACE_DETECTORS['blazeface-front-128']();
    const path = writeManifest('sha.json', { ...builtin, sha256: 'deadbeef' });
    expect(() => loadFaceDetectorManifest(path)).toThrow(/has sha256 d388b1cf8a5f…, the manifest expects deadbeef/);
  });
});
