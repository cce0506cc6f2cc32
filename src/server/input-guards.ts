import type { InputGuard } from '../ingest/index.js';

/**
 * The ingest rules for each kind of client input (see InputGuard). Pure data.
 *
 * Uploads are local files of unknown content: ffmpeg picks the demuxer by sniffing, and some
 * demuxers open further files or URLs named inside (hls, dash, concat, imf, sdp, ffmetadata...).
 * So an upload may use only the `file` protocol and only the single-file container and still-image
 * demuxers below; anything else (a text playlist named `x.mp4`) is refused before it opens
 * anything. HEIF/AVIF stills are read by `mov` in ffmpeg >= 6.1 (no separate demuxer).
 */
export const UPLOAD_FORMATS: readonly string[] = [
  // containers
  'mov', 'mp4', 'matroska', 'webm', 'avi', 'flv', 'mpegts', 'mpeg', 'asf', 'ogg', 'nut', 'mxf', 'dv', 'gxf', 'wtv',
  // raw elementary streams
  'h264', 'hevc', 'm4v', 'mpegvideo', 'ivf', 'obu', 'av1', 'vc1', 'mjpeg', 'yuv4mpegpipe', 'h263', 'dirac',
  // animations and still images (photo analysis)
  'gif', 'apng', 'image2', 'image2pipe', 'jpeg_pipe', 'png_pipe', 'webp_pipe', 'bmp_pipe', 'tiff_pipe', 'jpegxl_pipe', 'qoi_pipe',
  'heif', 'avif',
];

/** An uploaded file, named in messages by its upload name, never by the server's path. */
export function uploadGuard(name: string): InputGuard {
  return { protocols: 'file', formats: UPLOAD_FORMATS, display: name };
}

/**
 * The webcam relay's stream: the page sends MediaRecorder WebM, so the demuxer is forced
 * (Matroska) and nothing is sniffed — a playlist sent as a chunk is not a playlist — and only the
 * plain http of the loopback relay may be used. Messages say "webcam", never the relay's port.
 */
export const WEBCAM_GUARD: InputGuard = { protocols: 'http,tcp', format: 'matroska', formats: ['matroska', 'webm'], display: 'webcam' };

/** A client's stream URL: its HTTP goes through the policy proxy; messages show it redacted. */
export function urlGuard(display: string, proxyEnv: Readonly<Record<string, string>> | null): InputGuard {
  return { display, ...(proxyEnv ? { env: proxyEnv } : {}) };
}
