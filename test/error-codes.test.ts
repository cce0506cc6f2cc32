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
