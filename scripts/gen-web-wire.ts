/** Rewrites web/app/wire.gen.js (src/server/wire.ts) and web/app/report-shapes.gen.js (src/report/face-diagram.ts). Run with `npm run gen:web`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderWebShapes } from '../src/report/web-shapes.js';
import { renderWebWire } from '../src/server/web-wire.js';

mkdirSync(new URL('../../web/app/', import.meta.url), { recursive: true });
writeFileSync(new URL('../../web/app/wire.gen.js', import.meta.url), renderWebWire());
writeFileSync(new URL('../../web/app/report-shapes.gen.js', import.meta.url), renderWebShapes());
