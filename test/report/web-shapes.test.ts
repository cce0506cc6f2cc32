import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderWebShapes } from '../../src/report/web-shapes.js';

describe('web/app/report-shapes.gen.js', () => {
  it('is current (run `npm run gen:web` after changing src/report/face-diagram.ts)', () => {
    expect(readFileSync(new URL('../../web/app/report-shapes.gen.js', import.meta.url), 'utf8')).toBe(renderWebShapes());
  });
});
