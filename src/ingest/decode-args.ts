import { SHOWINFO_NAME } from './showinfo.js';

/**
 * The ffmpeg command line for decoding to analysis frames. Choices that matter:
 * - output is `-f rawvideo -pix_fmt rgb24` on stdout, scaled to exactly `width`x`height` so every
 *   frame has the same byte size even if the stream changes resolution midway;
 * - no input-side `-ss` (it produced decode errors on FF++ yuv444p files);
 * - `-fps_mode passthrough`: the rawvideo muxer would otherwise default to constant-rate sync and
 *   duplicate or drop frames of variable-rate input; with passthrough each decoded (or
 *   fps-filtered) frame is written exactly once, so the n-th showinfo line is the n-th frame;
 * - rotation is left to ffmpeg's default autorotation, which runs before `-vf`, so the scale
 *   target is the displayed size;
 * - `-nostdin`: ffmpeg otherwise reads the terminal for its interactive keys.
 * Needs ffmpeg >= 5.1 (`-fps_mode`, showinfo's `checksum` option). Pure.
 */
export interface DecodePlan {
  readonly ffmpegInput: string;
  readonly protocolWhitelist: string;
  /** Stream to decode; null lets ffmpeg pick its best video stream (live inputs, whose stream
   * order can differ between the probe and the decode connection). */
  readonly streamIndex: number | null;
  readonly width: number;
  readonly height: number;
  /** Constant analysis rate through the fps filter; undefined = every frame. */
  readonly fps?: number;
  /** `-re`: read a local file at its native rate, to stand in for a camera. */
  readonly realtime?: boolean;
  /** Log per-frame timestamps on stderr (showinfo); off for pure decode benchmarks. */
  readonly timestamps?: boolean;
  /**
   * Live network input: start fast. ffmpeg's default probing reads ~5 s of an MPEG-TS stream
   * before the first frame, and that delay then stays for the whole stream.
   */
  readonly lowLatency?: boolean;
  /** Replaces LOW_LATENCY_INPUT (benchmarks measure the flags one by one). */
  readonly inputFlags?: readonly string[];
  /** `-f`: force this demuxer. */
  readonly inputFormat?: string;
  /** `-format_whitelist`: the demuxers ffmpeg may use on this input. */
  readonly formatWhitelist?: readonly string[];
  /** A still image: emit its one picture this many times (loop filter, 40 ms apart). */
  readonly repeat?: number;
}

/** Input options that pin the demuxer (forced, or limited to a list). */
export function formatArgs(format: string | undefined, whitelist: readonly string[] | undefined): string[] {
  return [...(whitelist ? ['-format_whitelist', whitelist.join(',')] : []), ...(format !== undefined ? ['-f', format] : [])];
}

/** Input options that make ffmpeg (and ffprobe) start on a live stream after ~0.5 s instead of ~5 s. */
export const LOW_LATENCY_PROBE = ['-probesize', '500000', '-analyzeduration', '500000'] as const;

/**
 * Decoder input options for live streams: short probing, and slice threading instead of the
 * default frame threading, which holds one frame per thread back (measured on a 720p30 H.264
 * stream, one decoder: p50 136 → 40 ms frame-in → frame-out). `-fflags nobuffer` is deliberately
 * absent: with it the same stream ran ~1.1 s behind for its whole length (docs/benchmarks.md,
 * "Low-latency ingest").
 */
export const LOW_LATENCY_INPUT = [...LOW_LATENCY_PROBE, '-thread_type', 'slice'] as const;

/** The argv after the ffmpeg program name, for one decode. */
export function decodeArgs(plan: DecodePlan): string[] {
  const filters: string[] = [];
  if (plan.repeat !== undefined && plan.repeat > 1) filters.push(`loop=loop=${plan.repeat - 1}:size=1:start=0`);
  else if (plan.fps !== undefined) filters.push(`fps=${plan.fps}`);
  filters.push(`scale=${plan.width}:${plan.height}`);
  if (plan.timestamps !== false) filters.push(`${SHOWINFO_NAME}=checksum=0`);
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    plan.timestamps === false ? 'error' : 'info',
    '-protocol_whitelist',
    plan.protocolWhitelist,
    ...(plan.realtime ? ['-re'] : []),
    ...(plan.lowLatency ? (plan.inputFlags ?? LOW_LATENCY_INPUT) : []),
    ...formatArgs(plan.inputFormat, plan.formatWhitelist),
    '-i',
    plan.ffmpegInput,
    ...(plan.streamIndex !== null ? ['-map', `0:${plan.streamIndex}`] : []),
    '-an',
    '-sn',
    '-dn',
    '-vf',
    filters.join(','),
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
}
