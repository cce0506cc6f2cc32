/** Rewrites web/app/wire.gen.js from src/server/wire.ts. Run with `npm run gen:web`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderWebWire } from '../src/server/web-wire.js';

mkdirSync(new URL('../../web/app/', import.meta.url), { recursive: true });
writeFileSync(new URL('../../web/app/wire.gen.js', import.meta.url), renderWebWire());
