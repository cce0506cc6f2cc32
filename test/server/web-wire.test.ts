import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderWebWire } from '../../src/server/web-wire.js';

describe('web/app/wire.gen.js', () => {
  it('is current (run `npm run gen:web` after changing src/server/wire.ts)', () => {
    expect(readFileSync(new URL('../../web/app/wire.gen.js', import.meta.url), 'utf8')).toBe(renderWebWire());
  });
});
