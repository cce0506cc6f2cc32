import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FakescopeError, isFakescopeError } from '../errors.js';
import { classifyFailure } from './ffmpeg-errors.js';
import { FfmpegProcess } from './ffmpeg-process.js';
import type { InputKind } from './input-policy.js';
import { classifyInput, displayInput, ffmpegInput, isHlsPlaylist, isLiveByDefault, protocolWhitelist } from './input-policy.js';
import { LOW_LATENCY_PROBE, formatArgs } from './decode-args.js';
import type { CheckedMedia } from './media-checks.js';
import { checkProbe, looksLikeText } from './media-checks.js';
import { parseProbeOutput } from './probe-parse.js';
import type { InputGuard, MediaInfo } from './types.js';

/**
 * Probing is the gate every input passes before decoding: the scheme check, the local file checks
 * (missing, empty, not a regular file) and ffprobe, each refusing with a coded one-line reason.
 */

export interface ProbeOptions {
  ffprobePath?: string;
  /** Default 15000; a URL that does not answer in time is E_INPUT_UNREACHABLE. */
  timeoutMs?: number;
  /** Narrower protocols/formats, environment and display name for untrusted input. */
  guard?: InputGuard;
}

/** Everything openSource needs to start ffmpeg on a probed input. */
export interface ProbedInput extends CheckedMedia {
  readonly kind: InputKind;
  /** What ffmpeg is given (`file:/abs/path` for files). */
  readonly ffmpegInput: string;
  /** What messages show. */
  readonly display: string;
}

const MAX_PROBE_OUTPUT = 4 * 1024 * 1024;

/** Probes and validates an input; refuses anything the analyzer could not decode. */
export async function probe(input: string, opts: ProbeOptions = {}): Promise<MediaInfo> {
  return (await probeInput(input, opts)).info;
}

/** probe() plus what decoding needs (stream index, ffmpeg's spelling of the input). */
export async function probeInput(input: string, opts: ProbeOptions = {}): Promise<ProbedInput> {
  const guard = opts.guard ?? {};
  const kind = classifyInput(input);
  const display = guard.display ?? displayInput(input);
  const absolute = kind.kind === 'file' ? resolve(kind.path) : undefined;
  if (absolute !== undefined) await checkLocalFile(absolute, display);
  const ffInput = ffmpegInput(kind, absolute);
  const program = opts.ffprobePath ?? 'ffprobe';
  const args = ['-v', 'error', '-hide_banner', '-protocol_whitelist', guard.protocols ?? protocolWhitelist(kind)];
  // A live stream is probed like it is decoded: briefly (see decode-args.ts).
  if (kind.kind === 'url' && isLiveByDefault(kind) && !isHlsPlaylist(kind)) args.push(...LOW_LATENCY_PROBE);
  args.push(...formatArgs(guard.format, guard.formats));
  args.push('-print_format', 'json', '-show_format', '-show_streams', ffInput);
  const run = { timeoutMs: opts.timeoutMs ?? 15_000, display, ffInput, localPath: absolute, ...(guard.env ? { env: guard.env } : {}) };
  const stdout = await runProbe(program, args, run);
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (e) {
    throw new FakescopeError('E_FFMPEG_FAILED', `${display}: ffprobe printed unreadable output`, { cause: e });
  }
  let checked;
  try {
    const facts = parseProbeOutput(json);
    if (guard.formats && !formatAllowed(facts.formatName, guard.formats)) {
      throw new FakescopeError('E_INPUT_NOT_VIDEO', `${display}: ${facts.formatName} media is not accepted here`);
    }
    checked = checkProbe(facts, display);
  } catch (e) {
    // ffprobe "reads" a text file named .jpg as a 0×0 JPEG: say what it is.
    if (isFakescopeError(e) && e.code === 'E_INPUT_CORRUPT' && absolute !== undefined && (await startsWithText(absolute))) {
      throw new FakescopeError('E_INPUT_NOT_VIDEO', `${display}: is a text file, not an image or a video`);
    }
    throw e;
  }
  return { ...checked, kind, ffmpegInput: ffInput, display };
}

/** ffmpeg's rule for `-format_whitelist`: any of the demuxer's comma-separated names is listed. */
export function formatAllowed(formatName: string, allowed: readonly string[]): boolean {
  return formatName.split(',').some((n) => allowed.includes(n));
}

async function checkLocalFile(path: string, display: string): Promise<void> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new FakescopeError('E_INPUT_MISSING', `${display}: no such file`);
    }
    throw new FakescopeError('E_INPUT_UNREACHABLE', `${display}: cannot read (${code ?? 'error'})`, { cause: e });
  }
  if (st.isDirectory()) throw new FakescopeError('E_INPUT_NOT_VIDEO', `${display}: is a directory, not a video file`);
  if (!st.isFile()) throw new FakescopeError('E_INPUT_REFUSED', `${display}: is not a regular file`);
  if (st.size === 0) throw new FakescopeError('E_INPUT_EMPTY', `${display}: file is empty (0 bytes)`);
}

interface ProbeRun {
  readonly timeoutMs: number;
  readonly display: string;
  readonly ffInput: string;
  readonly localPath: string | undefined;
  readonly env?: Readonly<Record<string, string>>;
}

async function runProbe(program: string, args: string[], run: ProbeRun): Promise<string> {
  const { timeoutMs, display, ffInput, localPath } = run;
  const proc = FfmpegProcess.start(program, args, { killGraceMs: 500, ...(run.env ? { env: run.env } : {}) });
  const chunks: Buffer[] = [];
  let size = 0;
  proc.stdout.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_PROBE_OUTPUT) chunks.push(chunk);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.kill();
  }, timeoutMs);
  const exit = await proc.exited;
  clearTimeout(timer);
  if (exit.spawnError) throw exit.spawnError;
  if (timedOut) {
    throw new FakescopeError('E_INPUT_UNREACHABLE', `${display}: no answer within ${timeoutMs / 1000} s (probe timed out)`);
  }
  if (exit.code === 0 && size <= MAX_PROBE_OUTPUT) return Buffer.concat(chunks).toString('utf8');
  const refused = proc.stderrTail().map((l) => /^\[([\w,]+) @ 0x[0-9a-f]+\] Format not on whitelist/.exec(l)?.[1]).find(Boolean);
  if (refused !== undefined) throw new FakescopeError('E_INPUT_NOT_VIDEO', `${display}: ${refused} media is not accepted here`);
  const error = classifyFailure({
    tool: 'ffprobe',
    input: display,
    ffmpegInput: ffInput,
    lines: proc.stderrTail(),
    exitCode: exit.code,
    signal: exit.signal,
  });
  if (error.code === 'E_INPUT_CORRUPT' && localPath !== undefined && (await startsWithText(localPath))) {
    throw new FakescopeError('E_INPUT_NOT_VIDEO', `${display}: is a text file, not a video`);
  }
  throw error;
}

async function startsWithText(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4096), 0, 4096, 0);
    return looksLikeText(buffer.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}
