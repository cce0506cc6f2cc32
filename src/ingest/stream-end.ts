import { FakescopeError } from '../errors.js';
import { classifyFailure } from './ffmpeg-errors.js';
import type { ProcessExit } from './ffmpeg-process.js';

/**
 * How a decode ended, decided once ffmpeg is gone and every frame it wrote has been read. A
 * truncated file ends with E_INPUT_CORRUPT *after* all frames decoded before the cut were
 * delivered: the data is not lost, and a verdict over part of a file is never mistaken for a
 * verdict over all of it (the pipeline can catch the error and report what it saw). ffmpeg exits
 * 0 on a truncated mp4, so truncation is read from its "partial file" warnings or from frames
 * ending well before the probed duration. Pure.
 */
export interface StreamEnd {
  readonly exit: ProcessExit;
  readonly stderrTail: readonly string[];
  /** Why we killed it ourselves (stall), if we did. */
  readonly ownError?: FakescopeError;
  readonly decoded: number;
  readonly lastPtsMs: number | null;
  /** Probed video duration for files; null for live inputs or when unknown. */
  readonly expectedDurationMs: number | null;
  readonly input: string;
  readonly ffmpegInput: string;
}

/** null = a clean end (complete); otherwise the error the stream ends with. */
export function streamOutcome(end: StreamEnd): FakescopeError | null {
  const { exit } = end;
  if (end.ownError) return end.ownError;
  if (exit.spawnError) return exit.spawnError;
  if (exit.killedByOwner) return null;
  if (exit.code !== 0 || exit.signal !== null) {
    const error = classifyFailure({
      tool: 'ffmpeg',
      input: end.input,
      ffmpegInput: end.ffmpegInput,
      lines: end.stderrTail,
      exitCode: exit.code,
      signal: exit.signal,
    });
    if (end.decoded === 0) return error;
    return new FakescopeError(error.code, `${error.message} after ${end.decoded} frames`);
  }
  if (end.decoded === 0) {
    const error = classifyFailure({ tool: 'ffmpeg', input: end.input, lines: end.stderrTail, exitCode: 0, signal: null });
    if (error.code !== 'E_FFMPEG_FAILED') return error;
    return new FakescopeError('E_INPUT_EMPTY', `${end.input}: no video frame could be decoded`);
  }
  return truncation(end);
}

function truncation(end: StreamEnd): FakescopeError | null {
  const expected = end.expectedDurationMs;
  const partial = end.stderrTail.some((l) => /partial file/i.test(l));
  const last = end.lastPtsMs;
  const short = expected !== null && last !== null && last < expected - Math.max(1000, expected * 0.05);
  if (!partial && !short) return null;
  const where = last !== null && expected !== null ? `frames end at ${sec(last)} of ${sec(expected)}` : 'partial file';
  return new FakescopeError(
    'E_INPUT_CORRUPT',
    `${end.input}: truncated, ${where} (${end.decoded} frames delivered)`,
  );
}

function sec(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
