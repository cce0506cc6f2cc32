import type { FakescopeError } from '../errors.js';
import { classifyFailure } from './ffmpeg-errors.js';
import { FfmpegProcess } from './ffmpeg-process.js';

/** A probed input as the user wrote it (credentials masked) and as ffmpeg was given it. */
export interface FfmpegTarget {
  readonly display: string;
  readonly ffmpegInput: string;
}

export interface FfmpegRunOptions {
  /** Aborting it kills ffmpeg; the run then ends `stopped`. */
  readonly signal?: AbortSignal;
  /** Gets every chunk ffmpeg writes to stdout. */
  readonly onStdout?: (chunk: Buffer) => void;
}

/** How a run ended: well, stopped by its owner's signal, or failed with the coded error. */
export type FfmpegOutcome = { readonly kind: 'ok' } | { readonly kind: 'stopped' } | { readonly kind: 'failed'; readonly error: FakescopeError };

/**
 * Runs one ffmpeg on a probed input to its end, for a job that waits for the whole run (a
 * re-encode, a decode benchmark) rather than reading frames: a failure is classified from what
 * ffmpeg left on stderr (ffmpeg-errors.ts). A program that cannot be started throws its
 * E_FFMPEG_MISSING.
 */
export async function runFfmpeg(program: string, args: readonly string[], target: FfmpegTarget, opts: FfmpegRunOptions = {}): Promise<FfmpegOutcome> {
  const proc = FfmpegProcess.start(program, args);
  const { signal, onStdout } = opts;
  if (onStdout) proc.stdout.on('data', onStdout);
  const onAbort = () => void proc.kill();
  signal?.addEventListener('abort', onAbort, { once: true });
  const exit = await proc.exited;
  signal?.removeEventListener('abort', onAbort);
  if (exit.spawnError) throw exit.spawnError;
  if (exit.killedByOwner) return { kind: 'stopped' };
  if (exit.code === 0) return { kind: 'ok' };
  const error = classifyFailure({
    tool: 'ffmpeg',
    input: target.display,
    ffmpegInput: target.ffmpegInput,
    lines: proc.stderrTail(),
    exitCode: exit.code,
    signal: exit.signal,
  });
  return { kind: 'failed', error };
}
