import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';
import { Progress, formatDuration, formatProgress, redrawLine } from '../../src/cli/progress.js';
import { painter, wantsColour } from '../../src/cli/colour.js';

/** A stand-in for a terminal: what was written, in order. */
function fakeTty(isTTY: boolean): NodeJS.WriteStream & { chunks: string[] } {
  const chunks: string[] = [];
  return { isTTY, columns: 80, chunks, write: (c: string) => chunks.push(c) > 0 } as unknown as NodeJS.WriteStream & { chunks: string[] };
}

/** What a terminal shows after the writes: `\r` returns to column 0, ESC[K erases to the end. */
function screenLine(chunks: readonly string[]): string {
  let line = '';
  let col = 0;
  const text = chunks.join('');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\r') col = 0;
    else if (text.startsWith('\x1b[K', i)) {
      line = line.slice(0, col);
      i += 2;
    } else {
      line = line.slice(0, col) + text[i] + line.slice(col + 1);
      col++;
    }
  }
  return line;
}

describe('progress line', () => {
  it('shows percentage, count, rate and ETA', () => {
    expect(formatProgress(50, 200, 2, 'analysing', '', 100)).toBe('analysing [##########..............................]  25% 50/200 25.0 fps ETA 6s ');
  });
  it('has no bar or ETA for live sources', () => {
    expect(formatProgress(30, null, 1, 'analysing', 'faces 1', 80)).toBe('analysing 30 frames 30.0 fps faces 1');
  });
  it.each([
    [5.4, '5s'],
    [75, '1m15s'],
    [Number.NaN, '--'],
  ])('formatDuration(%f) = %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});

describe('progress redraw on a terminal', () => {
  it('clears the line before each redraw, so a shorter line leaves nothing behind', () => {
    const tty = fakeTty(true);
    const p = new Progress(tty, 'analysing');
    p.status('fakescope: loading models…');
    expect(screenLine(tty.chunks)).toBe('fakescope: loading models…');
    p.begin(null);
    p.tick('faces 1');
    expect(screenLine(tty.chunks)).toMatch(/^analysing 1 frames [\d.]+ fps faces 1$/);
    // The bug this guards: "faces 1" → "faces 11" when a shorter line was drawn over a longer one.
    tty.chunks.push(redrawLine('short'));
    expect(screenLine(tty.chunks)).toBe('short');
    p.end();
    expect(screenLine(tty.chunks)).toBe('');
  });
  it('writes nothing when the stream is not a terminal, and end() only clears what it drew', () => {
    const pipe = fakeTty(false);
    const p = new Progress(pipe, 'analysing');
    p.status('loading');
    p.begin(10);
    p.tick();
    p.end();
    expect(pipe.chunks).toEqual([]);
    const tty = fakeTty(true);
    new Progress(tty, 'x').end();
    expect(tty.chunks).toEqual([]);
  });
});

describe('colours', () => {
  it.each([
    [true, {}, true],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
    [false, {}, false],
    [undefined, {}, false],
  ])('isTTY %s, env %j → colour %s', (isTTY, env, expected) => {
    expect(wantsColour(isTTY, env)).toBe(expected);
  });
  it('paints with ANSI codes only when enabled', () => {
    expect(painter(true)('fake', 'Likely manipulated')).toBe('\x1b[31mLikely manipulated\x1b[39m');
    expect(painter(false)('fake', 'Likely manipulated')).toBe('Likely manipulated');
  });
});

describe('CLI arguments', () => {
  it('parses analyze with options', () => {
    expect(parseCliArgs(['analyze', 'a.mp4', '--fps', '5', '--detectors', 'rppg, blind', '--no-frames'])).toEqual({
      command: 'analyze',
      input: 'a.mp4',
      fps: 5,
      detectors: ['rppg', 'blind'],
      frames: false,
      quiet: false,
      json: false,
      overlayEvery: 25,
    });
  });
  it.each([
    [['analyze', 'a.mp4', '--width', '12.5'], /--width needs a whole number/],
    [['analyze', 'a.mp4', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate', 'x'], /unknown command "frobnicate"/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
