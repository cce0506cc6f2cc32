import sharp from 'sharp';
import { renderOverlay } from '../render/overlay.js';
import type { Thumbnail } from './html-report.js';
import type { ThumbnailKeeper } from './thumbnail-keeper.js';

/** The kept frames as small JPEG data URIs, with the face boxes and labels drawn (no heat map). */
export async function renderThumbnails(keeper: ThumbnailKeeper, width = 480): Promise<Thumbnail[]> {
  const out: Thumbnail[] = [];
  for (const { frame, faces } of keeper.frames()) {
    const full = await renderOverlay(frame, faces, { format: 'png', heat: 'none' });
    const jpeg = await sharp(full).resize({ width: Math.min(width, frame.width) }).jpeg({ quality: 80 }).toBuffer();
    out.push({ seq: frame.seq, ptsMs: frame.ptsMs, dataUri: `data:image/jpeg;base64,${jpeg.toString('base64')}` });
  }
  return out;
}
