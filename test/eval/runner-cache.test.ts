import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelsFingerprint } from '../../src/eval/runner.js';

describe('the eval cache key covers the models', () => {
  it('changes when a model manifest changes (a retrained model), not otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fakescope-fp-'));
    try {
      const manifest = join(dir, 'manifest.json');
      writeFileSync(manifest, JSON.stringify({ sha256: 'aaa' }));
      const detectors = [{ type: 'rppg' }, { type: 'blind', model: manifest }];
      const before = modelsFingerprint(detectors);
      expect(modelsFingerprint(detectors)).toBe(before);
      writeFileSync(manifest, JSON.stringify({ sha256: 'bbb' }));
      expect(modelsFingerprint(detectors)).not.toBe(before);
      // The folder form resolves to the same manifest.
      const folder: { type: string }[] = [{ type: 'rppg' }, { type: 'blind', model: dir } as { type: string }];
      expect(modelsFingerprint(folder)).toBe(modelsFingerprint(detectors));
      // The shipped rPPG model (no `model` given) is part of it.
      expect(modelsFingerprint([{ type: 'rppg' }])).not.toBe(modelsFingerprint([{ type: 'rppg', model: 'no-such-model' } as { type: string }]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
