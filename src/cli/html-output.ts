import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Report } from '../pipeline/report-schema.js';
import { humanReport } from '../report/human-report.js';
import { renderHtmlReport } from '../report/html-report.js';
import type { ThumbnailKeeper } from '../report/thumbnail-keeper.js';
import { renderThumbnails } from '../report/thumbnails.js';

/** `fakescope analyze --html report.html`: the printable report with thumbnails of the kept frames. */
export async function writeHtmlReport(path: string, report: Report, keeper: ThumbnailKeeper): Promise<void> {
  const thumbnails = await renderThumbnails(keeper);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderHtmlReport(humanReport(report), report, thumbnails));
}
