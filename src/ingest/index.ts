/**
 * Ingest: inputs in, Frames out. Everything the pipeline needs is here; the other files are the
 * parts (policy checks, probe, ffmpeg process, framing) and are imported directly only by tests.
 */
export type { InputGuard, MediaInfo, SourceOptions, SourceStats, VideoSource } from './types.js';
export type { ProbeOptions } from './probe.js';
export type { DecodeOnlyOptions } from './decode-only.js';
export { probe } from './probe.js';
export { openSource } from './open-source.js';
export { pullFrames } from './pull-frames.js';
export { decodeOnly } from './decode-only.js';
