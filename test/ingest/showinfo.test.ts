import { describe, expect, it } from 'vitest';
import { SHOWINFO_NAME, ShowinfoClock, isShowinfoLine } from '../../src/ingest/showinfo.js';

const p = `[${SHOWINFO_NAME} @ 0x561db16c3c40]`;

describe('ShowinfoClock', () => {
  it('converts integer pts with the configured time base', () => {
    const clock = new ShowinfoClock();
    expect(clock.read(`${p} config in time_base: 1/12800, frame_rate: 25/1`)).toBeUndefined();
    expect(clock.read(`${p} config out time_base: 0/0, frame_rate: 0/0`)).toBeUndefined();
    expect(clock.read(`${p} n:   0 pts:      0 pts_time:0       pos:  48 fmt:rgb24 s:160x120`)).toBe(0);
    expect(clock.read(`${p} n:   1 pts:    512 pts_time:0.04    pos: 9057 fmt:rgb24`)).toBe(40);
  });

  it('stays exact hours into a stream, where pts_time has lost digits', () => {
    const clock = new ShowinfoClock();
    clock.read(`${p} config in time_base: 1/90000, frame_rate: 30/1`);
    // 36000.04 s: pts_time prints "36000" (6 significant digits)
    expect(clock.read(`${p} n:1080001 pts:3240003600 pts_time:36000   pos: 1`)).toBe(36_000_040);
  });

  it('falls back to pts_time without a time base, and reports NOPTS as null', () => {
    const clock = new ShowinfoClock();
    expect(clock.read(`${p} n:   3 pts:    120 pts_time:0.12    pos: 1`)).toBe(120);
    expect(clock.read(`${p} n:   4 pts:NOPTS pts_time:NOPTS   pos: 1`)).toBeNull();
  });

  it('ignores side data lines and other filters', () => {
    const clock = new ShowinfoClock();
    expect(clock.read(`${p}   side data - User Data Unregistered:`)).toBeUndefined();
    expect(clock.read(`${p} color_range:pc color_space:gbr`)).toBeUndefined();
    expect(clock.read('[Parsed_showinfo_1 @ 0x1] n:   0 pts:      0 pts_time:0')).toBeUndefined();
    expect(clock.read('frame=   25 fps=0.0 q=-0.0 Lsize=    1406kB')).toBeUndefined();
  });

  it('recognises its own lines for the stderr tail filter', () => {
    expect(isShowinfoLine(`${p} anything`)).toBe(true);
    expect(isShowinfoLine('[mov,mp4 @ 0x1] partial file')).toBe(false);
  });
});
