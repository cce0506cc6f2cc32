/**
 * Every error fakescope raises on purpose, with a stable code. Messages are one line and say
 * what went wrong with the input, not where in the code.
 */
export const ERROR_CODES = [
  'E_INPUT_MISSING',
  'E_INPUT_NOT_VIDEO',
  'E_INPUT_EMPTY',
  'E_INPUT_CORRUPT',
  'E_INPUT_UNREACHABLE',
  'E_INPUT_REFUSED',
  'E_FFMPEG_MISSING',
  'E_FFMPEG_FAILED',
  'E_CONFIG',
  'E_MODEL',
  'E_EXECUTION_PROVIDER',
  'E_INFERENCE_WORKER',
  'E_USAGE',
  'E_STOPPED',
  'E_SOURCE_LOST',
  // an unexpected failure (a bug): the message says what, the server log where
  'E_INTERNAL',
  // server
  'E_UNAUTHORIZED',
  'E_NOT_FOUND',
  'E_BAD_REQUEST',
  'E_TOO_LARGE',
  'E_TOO_LONG',
  'E_BUSY',
  'E_DISK_FULL',
  'E_STORE_CORRUPT',
  // the server stopped while the analysis ran (found at the next start)
  'E_INTERRUPTED',
  // the WebSocket feed: a message that is not a ClientMsg, too many messages, a resume past the newest
  'E_BAD_MESSAGE',
  'E_RATE_LIMITED',
  'E_RESUME_AHEAD',
  // cluster: Redis or PostgreSQL cannot be reached
  'E_STORE_UNAVAILABLE',
  'E_QUEUE_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class FakescopeError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FakescopeError';
    this.code = code;
  }
}

export function isFakescopeError(e: unknown): e is FakescopeError {
  return e instanceof FakescopeError;
}

/** One-line description of any thrown value. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.name;
  return String(e);
}
