import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, overlay } from '../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'fakescope-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('overlay', () => {
  it.each([
    ['objects merge key by key', { a: { x: 1, y: 2 }, b: 1 }, { a: { y: 3 } }, { a: { x: 1, y: 3 }, b: 1 }],
    ['an undefined value sets nothing', { a: { x: 1 } }, { a: { x: undefined, y: undefined } }, { a: { x: 1 } }],
    ['null and arrays replace', { a: { x: 1 }, l: [1, 2] }, { a: null, l: [3] }, { a: null, l: [3] }],
    ['an object replaces a value', { a: 5 }, { a: { x: 1 } }, { a: { x: 1 } }],
    ['nothing over a base is the base', { a: 1 }, undefined, { a: 1 }],
  ])('%s', (_what, base, over, expected) => {
    const before = structuredClone(base);
    expect(overlay(base, over)).toEqual(expected);
    expect(base).toEqual(before);
  });
});

describe('loadConfig', () => {
  it('is the defaults without a file', () => {
    const c = loadConfig({});
    expect(c.analysis).toEqual({ width: 640, fps: null });
    expect(c.server.port).toBe(8080);
  });

  it('lays flags over the file over the command defaults', () => {
    const path = file('c.json', JSON.stringify({ analysis: { fps: 5 }, server: { host: '0.0.0.0', dataDir: 'd' } }));
    const c = loadConfig({ file: path, flags: { analysis: { width: 320, fps: undefined }, server: { dataDir: 'e' } }, defaults: { server: { port: 8081, host: 'h' } } });
    expect(c.analysis).toEqual({ width: 320, fps: 5 });
    expect(c.server).toMatchObject({ host: '0.0.0.0', port: 8081, dataDir: 'e' });
    expect(loadConfig({ file: file('p.json', '{"server":{"port":9000}}'), defaults: { server: { port: 8081 } } }).server.port).toBe(9000);
  });

  it('validates what the flags set like what the file sets', () => {
    expect(() => loadConfig({ flags: { analysis: { fps: 500 } } })).toThrow(expect.objectContaining({ code: 'E_CONFIG', message: expect.stringMatching(/\/analysis\/fps/) }));
    expect(() => loadConfig({ file: file('u.json', '{"analysis":{"fsp":5}}') })).toThrow(/\/analysis\/fsp: Unexpected property/);
  });

  it('refuses a file that cannot be read or is not an object', () => {
    expect(() => loadConfig({ file: join(dir, 'none.json') })).toThrow(expect.objectContaining({ code: 'E_CONFIG', message: expect.stringMatching(/cannot read config/) }));
    expect(() => loadConfig({ file: file('bad.json', '{') })).toThrow(/cannot read config .*bad\.json/);
    expect(() => loadConfig({ file: file('five.json', '5'), flags: { analysis: {} } })).toThrow(/invalid config: \/: Expected object/);
    expect(loadConfig({ file: file('null.json', 'null') }).seed).toBe(1);
  });
});
