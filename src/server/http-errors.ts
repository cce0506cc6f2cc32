import type { ErrorCode } from '../errors.js';

/** HTTP status for each error code the API can return; anything else is a 500. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  E_INPUT_MISSING: 400,
  E_BAD_REQUEST: 400,
  E_USAGE: 400,
  E_CONFIG: 400,
  E_UNAUTHORIZED: 401,
  E_INPUT_REFUSED: 403,
  E_NOT_FOUND: 404,
  E_STOPPED: 409,
  E_TOO_LARGE: 413,
  E_INPUT_NOT_VIDEO: 415,
  E_INPUT_EMPTY: 422,
  E_INPUT_CORRUPT: 422,
  E_INPUT_UNREACHABLE: 422,
  E_FFMPEG_FAILED: 422,
  E_TOO_LONG: 422,
  E_BUSY: 503,
  // Documented 5xx: the server's own storage, not the client's input.
  E_STORE_CORRUPT: 500,
  E_DISK_FULL: 507,
  E_STORE_UNAVAILABLE: 503,
  E_QUEUE_UNAVAILABLE: 503,
};

export function httpStatus(code: string): number {
  return STATUS[code as ErrorCode] ?? 500;
}
