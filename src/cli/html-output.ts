import { writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';
import type { Report } from '../pipeline/report.js';
import { renderOverlay } from '../render/overlay.js';
import { humanReport } from '../report/human-report.js';
import type { Thumbnail } from '../report/html-report.js';
import { renderHtmlReport } from '../report/html-report.js';
import type { ThumbnailKeeper } from '../report/thumbnail-keeper.js';

/** `fakescope analyze --html report.html`: the printable report with thumbnails of the kept frames. */
export async function writeHtmlReport(path: string, report: Report, keeper: ThumbnailKeeper): Promise<void> {
  const thumbnails: Thumbnail[] = [];
  for (const { frame, faces } of keeper.frames()) {
    const full = await renderOverlay(frame, faces, { format: 'png', heat: 'none' });
    const jpeg = await sharp(full).resize({ width: Math.min(480, frame.width) }).jpeg({ quality: 80 }).toBuffer();
    thumbnails.push({ seq: frame.seq, ptsMs: frame.ptsMs, dataUri: `data:image/jpeg;base64,${jpeg.toString('base64')}` });
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderHtmlReport(humanReport(report), report, thumbnails));
}
