import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { featureDistance } from '../../../src/detectors/blind/density.js';
import { loadBlindModel } from '../../../src/detectors/blind/manifest.js';

/**
 * Shipped blind models with a feature density (distance-aware uncertainty): the statistics are
 * covered by the manifest's sha256, so a density.json that does not match is refused with E_MODEL,
 * and a density without the model output it reads is refused too.
 */
const MODELS = join(import.meta.dirname, '..', '..', '..', 'models');
const withDensity = readdirSync(MODELS).filter((d) => {
  const p = join(MODELS, d, 'manifest.json');
  return existsSync(p) && (JSON.parse(readFileSync(p, 'utf8')) as { density?: unknown }).density !== undefined;
});
const tmp = mkdtempSync(join(tmpdir(), 'fakescope-density-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('shipped feature densities', () => {
  it('at least one shipped blind model carries one', () => {
    expect(withDensity.length).toBeGreaterThan(0);
  });

  for (const name of withDensity) {
    it(`${name}: loads, and its reference quantiles bracket a distance in [0, 1]`, () => {
      const m = loadBlindModel(name, MODELS);
      expect(m.density).not.toBeNull();
      expect(m.outputs.features?.dim).toBe(m.density?.dim);
      const d = featureDistance(m.density!, new Float64Array(m.density!.dim));
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(1);
    });

    it(`${name}: statistics that do not match the manifest are refused with E_MODEL`, () => {
      const dir = join(tmp, `${name}-tampered`);
      cpSync(join(MODELS, name), dir, { recursive: true });
      const p = join(dir, 'density.json');
      const j = JSON.parse(readFileSync(p, 'utf8')) as { reference: { p99: number } };
      j.reference.p99 += 1; // a re-fitted or edited density the manifest does not know
      writeFileSync(p, JSON.stringify(j));
      expect(() => loadBlindModel(dir, MODELS)).toThrow(expect.objectContaining({ code: 'E_MODEL', message: expect.stringMatching(/density\.json has (sha256|\d+ bytes)/) }));
    });

    it(`${name}: a density without the features output is refused with E_MODEL`, () => {
      const dir = join(tmp, `${name}-nofeatures`);
      cpSync(join(MODELS, name), dir, { recursive: true });
      const mp = join(dir, 'manifest.json');
      const man = JSON.parse(readFileSync(mp, 'utf8')) as { outputs: Record<string, unknown> };
      delete man.outputs.features;
      writeFileSync(mp, JSON.stringify(man));
      expect(() => loadBlindModel(dir, MODELS)).toThrow(expect.objectContaining({ code: 'E_MODEL', message: expect.stringMatching(/needs outputs\.features/) }));
    });
  }
});
