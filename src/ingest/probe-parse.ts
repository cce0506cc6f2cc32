import type { MediaInfo } from './types.js';

/**
 * Reads ffprobe's `-print_format json -show_format -show_streams` output. ffprobe prints most
 * numbers as strings and leaves out what it does not know, so every field is read defensively and
 * missing means null, never NaN. Pure.
 */

/** The facts the checks and the decoder need; `video` is null when no real video stream exists. */
export interface ProbeFacts {
  readonly formatName: string;
  readonly durationMs: number | null;
  readonly hasAudio: boolean;
  /** codec_type of every stream, e.g. ['audio', 'video']. */
  readonly streamTypes: readonly string[];
  readonly video: VideoFacts | null;
}

/** The chosen video stream: MediaInfo's stream fields plus its index and own duration. */
export type VideoFacts = Omit<MediaInfo, 'formatName' | 'hasAudio' | 'durationMs' | 'still'> & {
  readonly index: number;
  /** The video stream's duration; the format's can be longer (a longer audio track). */
  readonly streamDurationMs: number | null;
};

type Json = Record<string, unknown>;

/** Parses ffprobe JSON; picks the largest video stream that is not cover art, as ffmpeg would. */
export function parseProbeOutput(json: unknown): ProbeFacts {
  const root = asObject(json);
  const format = asObject(root['format']);
  const streams = Array.isArray(root['streams']) ? root['streams'].map(asObject) : [];
  const videos = streams.filter((s) => s['codec_type'] === 'video' && !isAttachedPicture(s));
  const best = videos.reduce<Json | undefined>(
    (a, s) => (a === undefined || area(s) > area(a) ? s : a),
    undefined,
  );
  const durationMs = seconds(format['duration']) ?? (best ? seconds(best['duration']) : null);
  return {
    formatName: str(format['format_name']) ?? 'unknown',
    durationMs,
    hasAudio: streams.some((s) => s['codec_type'] === 'audio'),
    streamTypes: streams.map((s) => str(s['codec_type']) ?? 'unknown'),
    video: best ? videoFacts(best) : null,
  };
}

function videoFacts(s: Json): VideoFacts {
  const width = int(s['width']) ?? 0;
  const height = int(s['height']) ?? 0;
  const rotation = rotationOf(s);
  const sar = ratio(s['sample_aspect_ratio'], ':');
  const sarWidth = sar !== null && sar > 0 ? Math.round(width * sar) : width;
  const swap = rotation % 180 === 90;
  const avg = frameRate(s['avg_frame_rate']);
  const real = frameRate(s['r_frame_rate']);
  const profile = str(s['profile']);
  return {
    index: int(s['index']) ?? 0,
    streamDurationMs: seconds(s['duration']),
    fps: avg ?? real,
    width,
    height,
    displayWidth: swap ? height : sarWidth,
    displayHeight: swap ? sarWidth : height,
    rotation,
    codec: str(s['codec_name']) ?? 'unknown',
    pixelFormat: str(s['pix_fmt']),
    profile: profile === null || profile === 'unknown' ? null : profile,
    frameCount: int(s['nb_frames']),
    variableFrameRate: avg !== null && real !== null && Math.abs(avg - real) / real > 0.01,
  };
}

/**
 * Clockwise degrees, snapped to a quarter turn. The display matrix wins over the legacy `rotate`
 * tag because it is what ffmpeg's autorotation applies; ffprobe reports it counter-clockwise.
 */
export function rotationOf(stream: Json): number {
  const sideData = Array.isArray(stream['side_data_list']) ? stream['side_data_list'].map(asObject) : [];
  const matrix = sideData.find((d) => d['side_data_type'] === 'Display Matrix');
  const ccw = matrix ? num(matrix['rotation']) : null;
  const tag = num(asObject(stream['tags'])['rotate']);
  const clockwise = ccw !== null ? -ccw : (tag ?? 0);
  return (((Math.round(clockwise / 90) * 90) % 360) + 360) % 360;
}

function isAttachedPicture(s: Json): boolean {
  return asObject(s['disposition'])['attached_pic'] === 1;
}

function area(s: Json): number {
  return (int(s['width']) ?? 0) * (int(s['height']) ?? 0);
}

/** "30000/1001" -> 29.97; 0/0, absurd rates (90000/1 time bases) and garbage -> null. */
export function frameRate(value: unknown): number | null {
  const r = ratio(value, '/');
  return r !== null && r > 0 && r <= 1000 ? r : null;
}

function ratio(value: unknown, sep: string): number | null {
  const parts = typeof value === 'string' ? value.split(sep) : [];
  if (parts.length !== 2) return null;
  const n = Number(parts[0]);
  const d = Number(parts[1]);
  return Number.isFinite(n) && Number.isFinite(d) && d !== 0 ? n / d : null;
}

function seconds(value: unknown): number | null {
  const s = num(value);
  return s !== null && s >= 0 ? Math.round(s * 1000) : null;
}

function int(value: unknown): number | null {
  const n = num(value);
  return n !== null && Number.isInteger(n) && n >= 0 ? n : null;
}

function num(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
