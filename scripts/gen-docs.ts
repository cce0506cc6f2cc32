/** Rewrites the generated documentation (docs/configuration.md). Run with `npm run docs`. */
import { writeFileSync } from 'node:fs';
import { renderConfigDocs } from '../src/config/docs.js';

writeFileSync(new URL('../../docs/configuration.md', import.meta.url), renderConfigDocs());
