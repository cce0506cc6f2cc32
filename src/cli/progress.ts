/**
 * A one-line progress bar for a TTY (stderr): done/total, frames per second and ETA. Redrawn at
 * most every 100 ms, each time from the start of a cleared line (`\r` + erase-line), so a shorter
 * line never leaves characters of a longer one behind; silent when stderr is not a terminal.
 * `status()` shows a one-line message (e.g. "loading models…") the same way before the bar starts.
 */
export class Progress {
  private t0 = performance.now();
  private lastDraw = 0;
  private done = 0;
  private total: number | null = null;
  /** Whether a line is on screen (so `end` clears only what it drew). */
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
  ) {}

  /** Starts counting frames (rate and ETA from now); `total` null for live sources. */
  begin(total: number | null): void {
    this.total = total;
    this.t0 = performance.now();
    this.done = 0;
    this.lastDraw = 0;
  }

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  tick(extra = ''): void {
    this.done++;
    const now = performance.now();
    if (!this.enabled || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.draw(formatProgress(this.done, this.total, (now - this.t0) / 1000, this.label, extra, this.stream.columns ?? 80));
  }

  status(text: string): void {
    if (this.enabled) this.draw(text.slice(0, (this.stream.columns ?? 80) - 1));
  }

  private draw(line: string): void {
    this.stream.write(redrawLine(line));
    this.shown = true;
  }

  end(): void {
    if (this.shown) this.stream.write(`\r${ERASE_LINE}`);
    this.shown = false;
  }
}

/** What is written to redraw the line: back to column 0, erase to the end of the line, the text. */
export function redrawLine(text: string): string {
  return `\r${ERASE_LINE}${text}`;
}

const ERASE_LINE = '\x1b[K';

/** Pure formatter, so it can be tested without a terminal. */
export function formatProgress(done: number, total: number | null, seconds: number, label: string, extra: string, columns: number): string {
  const fps = seconds > 0 ? done / seconds : 0;
  const rate = `${fps.toFixed(1)} fps`;
  if (total === null || total <= 0) return `${label} ${done} frames ${rate} ${extra}`.slice(0, columns - 1);
  const frac = Math.min(1, done / total);
  const eta = fps > 0 ? Math.max(0, (total - done) / fps) : Number.NaN;
  const tail = ` ${String(Math.round(frac * 100)).padStart(3)}% ${done}/${total} ${rate} ETA ${formatDuration(eta)} ${extra}`;
  const width = Math.max(10, Math.min(40, columns - tail.length - label.length - 4));
  const filled = Math.round(frac * width);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${tail}`.slice(0, columns - 1);
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '--';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}
