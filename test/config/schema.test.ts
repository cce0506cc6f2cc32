import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigDocs } from '../../src/config/docs.js';
import { parseConfig } from '../../src/config/schema.js';

describe('config', () => {
  it('is complete from {} and rejects unknown keys and bad values with one clear message', () => {
    const c = parseConfig({});
    expect(c.analysis.width).toBe(640);
    expect(c.faces.model).toBe('blazeface-back-256');
    expect(() => parseConfig({ faces: { detectEveryy: 2 } })).toThrow(/\/faces\/detectEveryy: Unexpected property/);
    expect(() => parseConfig({ analysis: { width: 10 } })).toThrow(/invalid config: \/analysis\/width/);
    expect(() => parseConfig({ runtime: { executionProvider: 'tpu' } })).toThrow(/executionProvider/);
  });

  it('does not mutate its input', () => {
    const input = { analysis: { fps: 5 } };
    parseConfig(input);
    expect(input).toEqual({ analysis: { fps: 5 } });
  });

  it('docs/configuration.md is current (run `npm run docs` after changing the schema)', () => {
    const committed = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderConfigDocs());
  });
});
