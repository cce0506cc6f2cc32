import { FakescopeError } from '../errors.js';
import type { SourceOptions } from './types.js';

/** The highest analysis frame rate anywhere (config, CLI, library callers): one limit, here. */
export const MAX_ANALYSIS_FPS = 240;

/** SourceOptions with every default filled in. */
export type ResolvedSourceOptions = Required<Omit<SourceOptions, 'fps' | 'live' | 'guard'>> & Pick<SourceOptions, 'fps' | 'live' | 'guard'>;

/**
 * Checks options once, up front, so a typo in a config fails with E_CONFIG before ffprobe runs,
 * and fills the defaults in one place. Pure.
 */
export function resolveSourceOptions(opts: SourceOptions): ResolvedSourceOptions {
  if (typeof opts.streamId !== 'string' || opts.streamId === '') bad('streamId must be a non-empty string');
  integer('analysisWidth', opts.analysisWidth, 2);
  if (opts.fps !== undefined && !(Number.isFinite(opts.fps) && opts.fps > 0 && opts.fps <= MAX_ANALYSIS_FPS)) {
    bad(`fps must be in (0, ${MAX_ANALYSIS_FPS}], got ${opts.fps}`);
  }
  const resolved = {
    streamId: opts.streamId,
    analysisWidth: opts.analysisWidth,
    fps: opts.fps,
    live: opts.live,
    guard: opts.guard,
    liveSlots: opts.liveSlots ?? 2,
    readAhead: opts.readAhead ?? 4,
    ffmpegPath: opts.ffmpegPath ?? 'ffmpeg',
    ffprobePath: opts.ffprobePath ?? 'ffprobe',
    probeTimeoutMs: opts.probeTimeoutMs ?? 15_000,
    stallTimeoutMs: opts.stallTimeoutMs ?? 20_000,
    stillPresentations: opts.stillPresentations ?? 16,
  };
  integer('stillPresentations', resolved.stillPresentations, 1);
  integer('liveSlots', resolved.liveSlots, 1);
  integer('readAhead', resolved.readAhead, 1);
  integer('probeTimeoutMs', resolved.probeTimeoutMs, 1);
  integer('stallTimeoutMs', resolved.stallTimeoutMs, 1);
  return resolved;
}

function integer(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) bad(`${name} must be an integer >= ${min}, got ${value}`);
}

function bad(message: string): never {
  throw new FakescopeError('E_CONFIG', message);
}
