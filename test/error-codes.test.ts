import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors.js';

/** Every error code the code base writes is one of errors.ts, so clients can rely on the list. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') || p.endsWith('.js') ? [p] : [];
  });
}

describe('error codes', () => {
  it('every E_… code in src/ and web/ is listed in src/errors.ts', () => {
    const known = new Set<string>(ERROR_CODES);
    const used = new Map<string, string>();
    for (const file of [...sources('src'), ...sources('web/app')]) {
      if (file.endsWith('.gen.js')) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/['"`](E_[A-Z][A-Z_]+)['"`]/g)) used.set(m[1] as string, file);
    }
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter(([code]) => !known.has(code)).map(([code, file]) => `${code} (${file})`)).toEqual([]);
  });
});

/** Every E_… token of a text: quoted, in a template literal, in a comment or in prose. */
function codesIn(text: string): string[] {
  return [...text.matchAll(/\bE_[A-Z][A-Z0-9_]*\b/g)].map((m) => m[0]);
}

function files(paths: readonly string[]): string[] {
  return paths.flatMap((p) => (statSync(p).isDirectory() ? sources(p) : [p]));
}

function docs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? docs(p) : p.endsWith('.md') ? [p] : [];
  });
}

describe('error codes, loose or unused', () => {
  const known = new Set<string>(ERROR_CODES);
  const scanned = [...files(['src', 'web/app', 'test', 'scripts', 'bench']), ...docs('docs'), 'README.md'].filter((f) => !f.endsWith('.gen.js') && f !== join('test', 'error-codes.test.ts'));

  it('finds a code however it is written', () => {
    expect(codesIn("throw new FakescopeError('E_NOPE', 'x')")).toEqual(['E_NOPE']);
    expect(codesIn('send({ code: `E_NOPE_${n}` })')).toEqual(['E_NOPE_']);
    expect(codesIn('refused with E_NOPE (see docs)')).toEqual(['E_NOPE']);
    expect(codesIn('WIRE_VERSION, MAX_BINARY_ENTROPY, TYPE_E_X')).toEqual([]);
  });

  it('every E_… token in code, tests and docs is listed in src/errors.ts', () => {
    const loose = scanned.flatMap((file) => codesIn(readFileSync(file, 'utf8')).filter((c) => !known.has(c)).map((c) => `${c} (${file})`));
    expect(loose).toEqual([]);
  });

  it('every listed code is raised or sent somewhere in src/', () => {
    const used = new Set(sources('src').filter((f) => !f.endsWith('errors.ts')).flatMap((f) => codesIn(readFileSync(f, 'utf8'))));
    expect(ERROR_CODES.filter((c) => !used.has(c))).toEqual([]);
  });
});
