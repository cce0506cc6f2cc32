import { FakescopeError } from '../errors.js';

/**
 * The size frames are decoded to. Detectors want a fixed width; the height follows the displayed
 * aspect and is rounded to an even number (what chroma-subsampled encoders and most resizers
 * expect downstream). Video narrower than the analysis width keeps its width: upscaling adds no
 * detail, only cost. Pure.
 */
export function analysisSize(
  displayWidth: number,
  displayHeight: number,
  analysisWidth: number,
): { width: number; height: number } {
  if (!Number.isInteger(analysisWidth) || analysisWidth < 2) {
    throw new FakescopeError('E_CONFIG', `analysisWidth must be an integer >= 2, got ${analysisWidth}`);
  }
  if (!(displayWidth > 0 && displayHeight > 0)) {
    throw new FakescopeError('E_INPUT_CORRUPT', `video has no usable size (${displayWidth}x${displayHeight})`);
  }
  const width = Math.min(analysisWidth, displayWidth);
  const height = Math.max(2, Math.round((width * displayHeight) / displayWidth / 2) * 2);
  return { width, height };
}
