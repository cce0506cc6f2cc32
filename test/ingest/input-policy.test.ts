import { describe, expect, it } from 'vitest';
import { FakescopeError } from '../../src/errors.js';
import {
  classifyInput,
  displayInput,
  ffmpegInput,
  isLiveByDefault,
  protocolWhitelist,
} from '../../src/ingest/input-policy.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof FakescopeError ? e.code : 'not a FakescopeError';
  }
  return undefined;
}

describe('classifyInput', () => {
  it.each([
    ['video.mp4', 'file'],
    ['./dir/clip.mov', 'file'],
    ['/abs/path/clip.mkv', 'file'],
    ['C:\\videos\\clip.mp4', 'file'],
    ['./odd:name.mp4', 'file'],
    ['-starts-with-dash.mp4', 'file'],
    ['http://example.com/a.mp4', 'url'],
    ['HTTPS://example.com/a.mp4', 'url'],
    ['rtmp://host/live/key', 'url'],
    ['rtmps://host/live/key', 'url'],
    ['rtsp://cam.local:554/stream', 'url'],
    ['rtsps://cam.local/stream', 'url'],
    ['srt://host:9000', 'url'],
    ['udp://239.0.0.1:1234', 'url'],
    ['https://cdn.example.com/live/index.m3u8', 'url'],
  ])('accepts %s as a %s', (input, kind) => {
    expect(classifyInput(input).kind).toBe(kind);
  });

  it.each([
    'file:/etc/passwd',
    'FILE:///etc/passwd',
    'concat:a.mp4|b.mp4',
    'data:video/mp4;base64,AAAA',
    'subfile:,start,0,end,100,:/etc/passwd',
    'pipe:0',
    'pipe:',
    'hls+http://example.com/a.m3u8',
    'hls:http://example.com/a.m3u8',
    'crypto:file.mp4',
    'gopher://host/x',
    'ftp://host/x.mp4',
    'tcp://host:1234',
    'unix:/tmp/sock',
    'async:file.mp4',
    'cache:http://x',
    'odd:name.mp4',
  ])('refuses %s with E_INPUT_REFUSED', (input) => {
    expect(codeOf(() => classifyInput(input))).toBe('E_INPUT_REFUSED');
  });

  it('refuses an empty input as missing and a NUL byte as refused', () => {
    expect(codeOf(() => classifyInput(''))).toBe('E_INPUT_MISSING');
    expect(codeOf(() => classifyInput('a\0b.mp4'))).toBe('E_INPUT_REFUSED');
  });

  it('explains the refusal in one line', () => {
    expect(() => classifyInput('concat:a|b')).toThrow(/^concat:a\|b: "concat:" inputs are refused \(allowed: .*\)$/);
  });
});

describe('isLiveByDefault', () => {
  it.each([
    ['clip.mp4', false],
    ['http://host/clip.mp4', false],
    ['https://host/clip.mp4?token=1', false],
    ['https://host/live/index.m3u8', true],
    ['https://host/live/INDEX.M3U8?token=abc', true],
    ['rtmp://host/app/key', true],
    ['rtsp://cam/stream', true],
    ['srt://host:9000', true],
    ['udp://239.0.0.1:1234', true],
  ])('%s -> %s', (input, live) => {
    expect(isLiveByDefault(classifyInput(input))).toBe(live);
  });
});

describe('protocolWhitelist', () => {
  it('never lets a network input open local files', () => {
    for (const url of ['http://h/a.mp4', 'https://h/a.m3u8', 'rtmp://h/a', 'rtsp://h/a', 'srt://h:1', 'udp://h:1']) {
      const list = protocolWhitelist(classifyInput(url)).split(',');
      expect(list).not.toContain('file');
      expect(list).not.toContain('concat');
      expect(list).not.toContain('subfile');
    }
  });

  it('keeps files to the file protocol', () => {
    expect(protocolWhitelist(classifyInput('a.mp4'))).toBe('file,crypto');
  });
});

describe('ffmpegInput / displayInput', () => {
  it('passes local paths through the file protocol', () => {
    expect(ffmpegInput(classifyInput('-x.mp4'), '/tmp/-x.mp4')).toBe('file:/tmp/-x.mp4');
    expect(ffmpegInput(classifyInput('rtsp://cam/s'))).toBe('rtsp://cam/s');
  });

  it('masks URL credentials', () => {
    expect(displayInput('rtsp://admin:secret@cam.local/stream')).toBe('rtsp://***@cam.local/stream');
    expect(displayInput('/videos/a@b.mp4')).toBe('/videos/a@b.mp4');
  });
});
