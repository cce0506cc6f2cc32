/** Rewrites the generated documentation (docs/configuration.md, docs/report-schema.md). Run with `npm run docs`. */
import { writeFileSync } from 'node:fs';
import { renderConfigDocs } from '../src/config/docs.js';
import { renderReportSchemaDocs } from '../src/report/report-schema-docs.js';

writeFileSync(new URL('../../docs/configuration.md', import.meta.url), renderConfigDocs());
writeFileSync(new URL('../../docs/report-schema.md', import.meta.url), renderReportSchemaDocs());
