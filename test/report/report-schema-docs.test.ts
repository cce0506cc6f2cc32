import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReportSchemaDocs } from '../../src/report/report-schema-docs.js';

describe('docs/report-schema.md', () => {
  it('is current (run `npm run docs` after changing the report schemas)', () => {
    expect(readFileSync(new URL('../../docs/report-schema.md', import.meta.url), 'utf8')).toBe(renderReportSchemaDocs());
  });

  it('documents every field of the report, with the section of every named object', () => {
    const doc = renderReportSchemaDocs();
    for (const heading of ['Report', 'ReportSummary', 'DetectorSummary', 'TrackSummary', 'FusedVerdict', 'FrameResult', 'FaceResult', 'FaceVerdict', 'DetectorOutput', 'Uncertainty', 'MediaInfo', 'Photos']) {
      expect(doc).toContain(`\n## ${heading}\n`);
    }
    for (const row of ['`analysis.gaps`', '`summary`', '`uncertainSegments`', '`insufficientReasons`', '`landmarks.leftEye`', '`verdict`', '`measurements`', '`map.cropSize`']) expect(doc).toContain(`| ${row} |`);
  });
});
