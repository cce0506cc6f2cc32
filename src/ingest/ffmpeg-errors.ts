import type { ErrorCode } from '../errors.js';
import { FakescopeError } from '../errors.js';

/**
 * Turns what ffmpeg/ffprobe left on stderr into one coded, one-line error. ffmpeg's exit status is
 * almost always 1, so the stderr text is the only signal; the rules are ordered from the most
 * specific cause (a missing file) to the least (ffmpeg failed), and the first rule that matches any
 * line wins. Pure, so the table is tested line by line.
 */

/** What is known about a failed run: who failed, on what input, and what it said last. */
export interface FailureContext {
  readonly tool: 'ffmpeg' | 'ffprobe';
  /** The input as shown to the user (credentials masked). */
  readonly input: string;
  /** The string ffmpeg was given, stripped from detail lines so the user's spelling shows. */
  readonly ffmpegInput?: string;
  /** Last stderr lines, oldest first. */
  readonly lines: readonly string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
}

interface Rule {
  readonly code: ErrorCode;
  readonly pattern: RegExp;
  readonly reason: string;
}

const RULES: readonly Rule[] = [
  { code: 'E_INPUT_MISSING', pattern: /No such file or directory/i, reason: 'no such file' },
  { code: 'E_INPUT_NOT_VIDEO', pattern: /Is a directory/i, reason: 'is a directory, not a video file' },
  { code: 'E_INPUT_NOT_VIDEO', pattern: /Format not on whitelist/i, reason: 'this media format is not accepted here' },
  { code: 'E_INPUT_REFUSED', pattern: /not on whitelist|Protocol not found/i, reason: 'protocol refused' },
  { code: 'E_INPUT_UNREACHABLE', pattern: /Permission denied/i, reason: 'permission denied' },
  {
    code: 'E_INPUT_UNREACHABLE',
    pattern:
      /Connection refused|Connection timed out|timed out|Network is unreachable|No route to host|Connection reset|Failed to resolve hostname|Name or service not known|Temporary failure in name resolution|Server returned [45]\d\d|HTTP error [45]\d\d|Broken pipe|End of file while|Unable to open resource|method DESCRIBE failed|Cannot open connection/i,
    reason: 'unreachable',
  },
  {
    code: 'E_INPUT_NOT_VIDEO',
    pattern: /matches no streams|does not contain any stream|no video stream/i,
    reason: 'has no video stream',
  },
  {
    code: 'E_INPUT_CORRUPT',
    pattern:
      /moov atom not found|Invalid data found when processing input|could not find codec parameters|error reading header|partial file|Invalid NAL unit|corrupt|truncat|EBML header parsing failed|Format .* detected only with low score/i,
    reason: 'corrupt or truncated',
  },
  { code: 'E_FFMPEG_FAILED', pattern: /Decoder \(codec .*\) not found|Unsupported codec/i, reason: 'ffmpeg cannot decode it' },
  {
    code: 'E_FFMPEG_FAILED',
    pattern: /No such filter|Error initializing filter|Unrecognized option|Option not found|Error opening filters/i,
    reason: 'this ffmpeg lacks a needed feature (ffmpeg >= 5.1 required)',
  },
];

/** The coded error for a failed ffmpeg/ffprobe run. */
export function classifyFailure(ctx: FailureContext): FakescopeError {
  for (const rule of RULES) {
    const line = ctx.lines.find((l) => rule.pattern.test(l)); // the first is usually the cause
    if (line !== undefined) {
      const detail = cleanLine(line, ctx.ffmpegInput);
      return new FakescopeError(rule.code, `${ctx.input}: ${rule.reason} (${detail})`);
    }
  }
  const last = lastMeaningfulLine(ctx.lines, ctx.ffmpegInput);
  const how = ctx.signal ? `was killed by ${ctx.signal}` : `exited with status ${ctx.exitCode ?? '?'}`;
  return new FakescopeError('E_FFMPEG_FAILED', `${ctx.input}: ${ctx.tool} ${how}${last ? ` (${last})` : ''}`);
}

/** Drops the `[mov,mp4 @ 0x55...]` context and the `input: ` prefix, and caps the length. */
export function cleanLine(line: string, ffmpegInput?: string): string {
  let text = line.replace(/^(?:\[[^\]]*@ ?0x[0-9a-f]+\]\s*)+/i, '').trim();
  if (ffmpegInput && text.startsWith(`${ffmpegInput}: `)) text = text.slice(ffmpegInput.length + 2);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

// ffmpeg's closing summary ("frame= ...", "video:1406kB ...") says nothing about the failure.
const NOISE = /^(?:frame=|video:\d|Conversion failed|Exiting normally|\s*$)/;

function lastMeaningfulLine(lines: readonly string[], ffmpegInput?: string): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const text = cleanLine(lines[i] ?? '', ffmpegInput);
    if (!NOISE.test(text)) return text;
  }
  return undefined;
}
