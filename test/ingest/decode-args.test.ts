import { describe, expect, it } from 'vitest';
import { decodeArgs } from '../../src/ingest/decode-args.js';

const plan = { ffmpegInput: 'file:/v/a.mp4', protocolWhitelist: 'file,crypto', streamIndex: 0, width: 640, height: 360 };
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('decodeArgs', () => {
  it('decodes the chosen stream to rgb24 on stdout with timestamps on stderr', () => {
    const args = decodeArgs(plan);
    expect(after(args, '-i')).toBe('file:/v/a.mp4');
    expect(after(args, '-map')).toBe('0:0');
    expect(after(args, '-vf')).toBe('scale=640:360,showinfo@fakescope_pts=checksum=0');
    expect(after(args, '-fps_mode')).toBe('passthrough');
    expect(after(args, '-pix_fmt')).toBe('rgb24');
    expect(after(args, '-protocol_whitelist')).toBe('file,crypto');
    expect(args.slice(-3)).toEqual(['-pix_fmt', 'rgb24', 'pipe:1']);
    expect(args).toContain('-nostdin');
  });

  it('starts a live network stream after a short probe, and only then', () => {
    const live = decodeArgs({ ...plan, ffmpegInput: 'udp://127.0.0.1:1234', lowLatency: true });
    expect(after(live, '-probesize')).toBe('500000');
    expect(live).not.toContain('-fflags'); // nobuffer kept a live stream ~1 s behind
    expect(after(live, '-thread_type')).toBe('slice'); // frame threads hold frames back
    expect(live.indexOf('-probesize')).toBeLessThan(live.indexOf('-i'));
    expect(decodeArgs(plan)).not.toContain('-probesize');
  });

  it('never seeks on the input side', () => {
    expect(decodeArgs({ ...plan, fps: 5 })).not.toContain('-ss');
  });

  it('rate-selects before scaling, paces a file standing in for a camera, leaves live stream choice to ffmpeg', () => {
    const args = decodeArgs({ ...plan, fps: 5, realtime: true, streamIndex: null });
    expect(after(args, '-vf')).toMatch(/^fps=5,scale=640:360,/);
    expect(args.indexOf('-re')).toBeLessThan(args.indexOf('-i'));
    expect(args).not.toContain('-map');
  });

  it('drops showinfo and quiets logging for a pure decode benchmark', () => {
    const args = decodeArgs({ ...plan, timestamps: false });
    expect(after(args, '-vf')).toBe('scale=640:360');
    expect(after(args, '-loglevel')).toBe('error');
  });
});
