import { FakescopeError } from '../errors.js';
import type { ProbeFacts } from './probe-parse.js';
import type { MediaInfo } from './types.js';

/**
 * Decides whether probed media is something the analyzer can decode, and says why not in one
 * line. Refusing here, before any ffmpeg runs, is what lets a CLI or a server answer "has no video
 * stream" instead of failing halfway. Pure.
 */

/** A checked input: what to tell callers, and which stream ffmpeg must decode. */
export interface CheckedMedia {
  readonly info: MediaInfo;
  readonly streamIndex: number;
  /** Expected end of the video stream, to recognise a truncated file; null when unknown. */
  readonly streamDurationMs: number | null;
}

// Demuxers that yield one still picture (png_pipe, jpeg_pipe, webp_pipe, image2...).
const STILL_IMAGE_FORMAT = /^(?:image2|.*_pipe)$/;

/** Pictures above this many pixels are refused before decoding (8K × 8K; a frame is w·h·3 bytes). */
export const MAX_PIXELS = 8192 * 8192;

/** MediaInfo for an input that has a decodable video stream, or a refusal. */
export function checkProbe(facts: ProbeFacts, input: string): CheckedMedia {
  const v = facts.video;
  if (facts.formatName === 'tty') {
    throw new FakescopeError('E_INPUT_NOT_VIDEO', `${input}: is a text file, not a video`);
  }
  if (!v) {
    const kinds = [...new Set(facts.streamTypes)];
    const has = kinds.length > 0 ? ` (it has ${kinds.join(', ')} only)` : '';
    throw new FakescopeError('E_INPUT_NOT_VIDEO', `${input}: has no video stream${has}`);
  }
  const still = STILL_IMAGE_FORMAT.test(facts.formatName) && (v.frameCount ?? 1) <= 1;
  if (v.width <= 0 || v.height <= 0) {
    // ffprobe reports 0×0 for a picture it cannot size: corrupt, not an image at all (a text
    // file named .jpg), or larger than ffmpeg accepts (it refuses e.g. a 30000×30000 PNG).
    if (still) throw new FakescopeError('E_INPUT_CORRUPT', `${input}: is not a readable image (${v.codec}: no picture size; corrupt, not an image, or too large)`);
    throw new FakescopeError('E_INPUT_CORRUPT', `${input}: video stream has no frame size (${v.codec})`);
  }
  if (v.width * v.height > MAX_PIXELS) {
    throw new FakescopeError('E_INPUT_REFUSED', `${input}: ${v.width}×${v.height} px is larger than the ${Math.round(MAX_PIXELS / 1e6)}-megapixel limit`);
  }
  if (v.frameCount === 0) {
    throw new FakescopeError('E_INPUT_EMPTY', `${input}: video stream has no frames`);
  }
  const { index, streamDurationMs, ...video } = v;
  return {
    streamIndex: index,
    streamDurationMs: streamDurationMs ?? facts.durationMs,
    info: { ...video, durationMs: still ? null : facts.durationMs, hasAudio: facts.hasAudio, formatName: facts.formatName, still },
  };
}

/**
 * The duration to hold a decode against when checking for truncation, or null when it cannot be
 * trusted: MP4/MOV and Matroska store it in their index, while for MPEG-TS and raw streams ffprobe
 * estimates it from the bitrate, and a wrong estimate must not turn a good file into an error.
 */
export function trustedDurationMs(formatName: string, durationMs: number | null): number | null {
  return /(^|,)(mov|matroska)(,|$)/.test(formatName) ? durationMs : null;
}

/**
 * True when the first bytes of a file read as text (UTF-8 without control bytes other than
 * whitespace). ffprobe says "Invalid data" for a text file exactly as for a broken video; this
 * tells the user which of the two they gave.
 */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const b of bytes) {
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c)) return false;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(trimPartialCodePoint(bytes));
    return true;
  } catch {
    return false;
  }
}

// A read of N bytes may cut a multi-byte UTF-8 character in half; that alone is not binary.
function trimPartialCodePoint(bytes: Uint8Array): Uint8Array {
  const end = bytes.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = bytes[end - i] ?? 0;
    if ((b & 0xc0) === 0xc0) return bytes.subarray(0, end - i); // lead byte of a cut character
    if ((b & 0xc0) !== 0x80) break;
  }
  return bytes.subarray(0, end);
}
