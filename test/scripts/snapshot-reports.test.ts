import { describe, expect, it } from 'vitest';
import { CLOCK_FIELDS, firstDifference, withoutClock } from '../../scripts/snapshot-reports.js';

describe('snapshot-reports', () => {
  it('drops the clock fields at any depth and keeps everything else in order', () => {
    const json = JSON.stringify({ a: 1, startedAt: 'x', timing: { wallMs: 3, frames: 2 }, list: [{ facesMs: 1, p: 0.5 }] });
    expect(JSON.parse(withoutClock(json))).toEqual({ a: 1, timing: { frames: 2 }, list: [{ p: 0.5 }] });
    expect(CLOCK_FIELDS.has('ptsMs')).toBe(false); // presentation times belong to the media, not the machine
  });

  it('names the first differing line, or null when equal', () => {
    expect(firstDifference('a\nb\nc', 'a\nb\nc')).toBeNull();
    expect(firstDifference('a\nb\nc', 'a\nB\nc')).toEqual({ line: 2, a: 'b', b: 'B' });
    expect(firstDifference('a\nb', 'a\nb\nc')).toEqual({ line: 3, a: '<end>', b: 'c' });
  });
});
