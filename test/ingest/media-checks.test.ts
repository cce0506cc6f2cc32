import { describe, expect, it } from 'vitest';
import { FakescopeError } from '../../src/errors.js';
import { checkProbe, looksLikeText, trustedDurationMs } from '../../src/ingest/media-checks.js';
import type { ProbeFacts, VideoFacts } from '../../src/ingest/probe-parse.js';

const v: VideoFacts = {
  index: 1,
  streamDurationMs: 2000,
  fps: 25,
  width: 320,
  height: 240,
  displayWidth: 320,
  displayHeight: 240,
  rotation: 0,
  codec: 'h264',
  pixelFormat: 'yuv444p',
  profile: 'High 4:4:4 Predictive',
  frameCount: 50,
  variableFrameRate: false,
};
const facts = (over: Partial<ProbeFacts> = {}): ProbeFacts => ({
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  durationMs: 2100,
  hasAudio: true,
  streamTypes: ['audio', 'video'],
  video: v,
  ...over,
});

function refusal(f: ProbeFacts): FakescopeError {
  try {
    checkProbe(f, 'in.x');
  } catch (e) {
    if (e instanceof FakescopeError) return e;
  }
  throw new Error('expected a refusal');
}

describe('checkProbe', () => {
  it('passes a normal video and keeps the stream to decode', () => {
    const checked = checkProbe(facts(), 'in.mp4');
    expect(checked.streamIndex).toBe(1);
    expect(checked.streamDurationMs).toBe(2000);
    expect(checked.info).toMatchObject({ durationMs: 2100, hasAudio: true, width: 320, codec: 'h264' });
    expect(checked.info).not.toHaveProperty('index');
  });

  it('says an audio-only file has no video stream', () => {
    const e = refusal(facts({ video: null, streamTypes: ['audio'] }));
    expect(e.code).toBe('E_INPUT_NOT_VIDEO');
    expect(e.message).toBe('in.x: has no video stream (it has audio only)');
  });

  it.each([
    ['png_pipe', 'png'],
    ['jpeg_pipe', 'mjpeg'],
    ['webp_pipe', 'webp'],
    ['image2', 'mjpeg'],
  ])('accepts a still image (%s) and marks it, without a duration', (formatName, codec) => {
    const checked = checkProbe(facts({ formatName, durationMs: 40, video: { ...v, codec, frameCount: null } }), 'photo');
    expect(checked.info).toMatchObject({ still: true, durationMs: null, codec });
    expect(checkProbe(facts(), 'in.mp4').info.still).toBe(false);
  });

  it.each([
    [facts({ formatName: 'tty' }), 'E_INPUT_NOT_VIDEO', /text file/],
    [facts({ formatName: 'png_pipe', video: { ...v, codec: 'png', width: 0, height: 0, frameCount: null } }), 'E_INPUT_CORRUPT', /not a readable image \(png/],
    [facts({ formatName: 'png_pipe', video: { ...v, codec: 'png', width: 20000, height: 9000, frameCount: null } }), 'E_INPUT_REFUSED', /20000×9000 px is larger than the 67-megapixel limit/],
    [facts({ video: { ...v, width: 0 } }), 'E_INPUT_CORRUPT', /no frame size/],
    [facts({ video: { ...v, frameCount: 0 } }), 'E_INPUT_EMPTY', /no frames/],
  ])('refuses %#', (f, code, message) => {
    const e = refusal(f);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it('falls back to the format duration when the stream has none', () => {
    expect(checkProbe(facts({ video: { ...v, streamDurationMs: null } }), 'x').streamDurationMs).toBe(2100);
  });
});

describe('looksLikeText', () => {
  const enc = new TextEncoder();
  it.each([
    [enc.encode('hello\nworld\t!\r\n'), true],
    [enc.encode('grüße, 日本語'), true],
    [enc.encode('日本語').subarray(0, 4), true], // cut mid-character by a short read
    [new Uint8Array([0x00, 0x00, 0x00, 0x20, 0x66, 0x74, 0x79, 0x70]), false], // mp4 header
    [new Uint8Array([0xff, 0xfb, 0x90, 0x64]), false], // mp3 frame sync
    [new Uint8Array([]), false],
  ])('%#', (bytes, expected) => {
    expect(looksLikeText(bytes)).toBe(expected);
  });
});

describe('trustedDurationMs', () => {
  it.each([
    ['mov,mp4,m4a,3gp,3g2,mj2', 2000],
    ['matroska,webm', 2000],
    ['mpegts', null],
    ['h264', null],
    ['flv', null],
  ])('%s -> %s', (format, expected) => {
    expect(trustedDurationMs(format, 2000)).toBe(expected);
  });
});
