import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config/schema.js';
import { builtinRegistry } from '../src/detectors/builtin.js';

describe('buildApp runtime()', () => {
  it('lends the session factory and face detector every analysis uses, the same ones until stop', async () => {
    const app = buildApp(parseConfig({ detectors: [] }), builtinRegistry());
    try {
      const a = await app.runtime();
      const b = await app.runtime();
      expect(b.sessions).toBe(a.sessions);
      expect(b.faceDetector).toBe(a.faceDetector);
      expect(a.faceDetector.name).toBe('blazeface-back-256');
      await app.stop();
      const c = await app.runtime(); // a stopped app starts again on demand
      expect(c.sessions).not.toBe(a.sessions);
    } finally {
      await app.stop();
    }
  });
});
