import { describe, expect, it } from 'vitest';
import { classifyFailure, cleanLine } from '../../src/ingest/ffmpeg-errors.js';

const base = { tool: 'ffmpeg' as const, input: 'in.mp4', ffmpegInput: 'file:/x/in.mp4', exitCode: 1, signal: null };

describe('classifyFailure', () => {
  it.each([
    ['file:/x/in.mp4: No such file or directory', 'E_INPUT_MISSING'],
    ['file:/x/in.mp4: Is a directory', 'E_INPUT_NOT_VIDEO'],
    ['file:/x/in.mp4: Permission denied', 'E_INPUT_UNREACHABLE'],
    ["[concat @ 0x55dc9dc85a80] Protocol 'concat' not on whitelist 'file'!", 'E_INPUT_REFUSED'],
    ['foo:a.mp4: Protocol not found', 'E_INPUT_REFUSED'],
    ['[tcp @ 0x562e4c99d800] Connection to tcp://127.0.0.1:9 failed: Connection refused', 'E_INPUT_UNREACHABLE'],
    ['http://h/a.mp4: Server returned 404 Not Found', 'E_INPUT_UNREACHABLE'],
    ['[tcp @ 0x1] Failed to resolve hostname nowhere.invalid: Name or service not known', 'E_INPUT_UNREACHABLE'],
    ['[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized', 'E_INPUT_UNREACHABLE'],
    ['rtmp://h/a: Connection timed out', 'E_INPUT_UNREACHABLE'],
    ['Stream map \'0:v:0\' matches no streams.', 'E_INPUT_NOT_VIDEO'],
    ['Output file #0 does not contain any stream', 'E_INPUT_NOT_VIDEO'],
    ['[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55b31428c940] moov atom not found', 'E_INPUT_CORRUPT'],
    ['file:/x/in.mp4: Invalid data found when processing input', 'E_INPUT_CORRUPT'],
    ['[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] stream 0, offset 0x5301: partial file', 'E_INPUT_CORRUPT'],
    ['[matroska,webm @ 0x1] EBML header parsing failed', 'E_INPUT_CORRUPT'],
    ['[h264 @ 0x1] Invalid NAL unit size (1234 > 99).', 'E_INPUT_CORRUPT'],
    ['Decoder (codec av1) not found for input stream #0:0', 'E_FFMPEG_FAILED'],
    ["[AVFilterGraph @ 0x1] No such filter: 'showinfo'", 'E_FFMPEG_FAILED'],
    ['Unrecognized option \'fps_mode\'.', 'E_FFMPEG_FAILED'],
    ['something nobody has seen before', 'E_FFMPEG_FAILED'],
  ])('%s -> %s', (line, code) => {
    expect(classifyFailure({ ...base, lines: ['Input #0, ...', line, 'Conversion failed!'] }).code).toBe(code);
  });

  it('prefers the most specific cause over later generic lines', () => {
    const lines = ['file:/x/in.mp4: No such file or directory', 'Invalid data found when processing input'];
    expect(classifyFailure({ ...base, lines }).code).toBe('E_INPUT_MISSING');
  });

  it('writes one line naming the input as the user gave it', () => {
    const e = classifyFailure({ ...base, lines: ['[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55b3] moov atom not found'] });
    expect(e.message).toBe('in.mp4: corrupt or truncated (moov atom not found)');
    expect(e.message).not.toContain('\n');
  });

  it('reports a signal or exit status with the last meaningful line when nothing matches', () => {
    const lines = ['weird failure here', 'frame=   10 fps=0.0 q=-0.0 Lsize=    2250kB', 'Conversion failed!'];
    expect(classifyFailure({ ...base, lines }).message).toBe('in.mp4: ffmpeg exited with status 1 (weird failure here)');
    expect(classifyFailure({ ...base, lines: [], exitCode: null, signal: 'SIGKILL' }).message).toBe(
      'in.mp4: ffmpeg was killed by SIGKILL',
    );
  });
});

describe('cleanLine', () => {
  it('strips context prefixes and the ffmpeg spelling of the input', () => {
    expect(cleanLine('[tcp @ 0x5] [x @ 0xab] boom')).toBe('boom');
    expect(cleanLine('file:/x/in.mp4: Invalid data', 'file:/x/in.mp4')).toBe('Invalid data');
    expect(cleanLine('x'.repeat(300))).toHaveLength(160);
  });
});
