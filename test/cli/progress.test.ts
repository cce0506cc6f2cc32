import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';
import { formatDuration, formatProgress } from '../../src/cli/progress.js';

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

describe('CLI arguments', () => {
  it('parses analyze with options', () => {
    expect(parseCliArgs(['analyze', 'a.mp4', '--fps', '5', '--detectors', 'rppg, blind', '--no-frames'])).toEqual({
      command: 'analyze',
      input: 'a.mp4',
      fps: 5,
      detectors: ['rppg', 'blind'],
      frames: false,
      quiet: false,
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
