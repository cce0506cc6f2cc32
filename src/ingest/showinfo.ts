/**
 * Frame timestamps from ffmpeg's `showinfo` filter. rawvideo on stdout carries no timestamps, so
 * the decode graph ends in a named showinfo instance that logs one line per output frame on
 * stderr; the n-th line belongs to the n-th frame on stdout. The integer `pts` and the filter's
 * `time_base` give exact times even hours into a stream (`pts_time` is printed with 6 significant
 * digits only). Pure.
 */

/** Instance name that marks our lines among everything else ffmpeg logs. */
export const SHOWINFO_NAME = 'showinfo@fakescope_pts';

const PREFIX = `[${SHOWINFO_NAME} @`;
const TIME_BASE = /config in time_base: (\d+)\/(\d+)/;
const FRAME = /\] n:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)\s+pts_time:(\S+)/;

/** True for every line our showinfo instance logs (including its side-data lines). */
export function isShowinfoLine(line: string): boolean {
  return line.startsWith(PREFIX);
}

/** Follows the showinfo log; call `read` on every stderr line. */
export class ShowinfoClock {
  private timeBase: number | null = null;

  /**
   * The frame's pts in ms for a per-frame line; `undefined` for any other line; `null` for a frame
   * that has no timestamp (NOPTS), which the caller estimates from its neighbours.
   */
  read(line: string): number | null | undefined {
    if (!isShowinfoLine(line)) return undefined;
    const tb = TIME_BASE.exec(line);
    if (tb) {
      const den = Number(tb[2]);
      if (den > 0) this.timeBase = Number(tb[1]) / den;
      return undefined;
    }
    const m = FRAME.exec(line);
    if (!m) return undefined;
    if (m[2] === 'NOPTS') return null;
    const seconds = this.timeBase !== null ? Number(m[2]) * this.timeBase : Number(m[3]);
    return Number.isFinite(seconds) ? Math.round(seconds * 1e6) / 1e3 : null;
  }
}
