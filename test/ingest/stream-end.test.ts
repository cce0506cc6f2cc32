import { describe, expect, it } from 'vitest';
import { FakescopeError } from '../../src/errors.js';
import type { StreamEnd } from '../../src/ingest/stream-end.js';
import { streamOutcome } from '../../src/ingest/stream-end.js';

const clean = { code: 0, signal: null, killedByOwner: false };
const end = (over: Partial<StreamEnd> = {}): StreamEnd => ({
  exit: clean,
  stderrTail: [],
  decoded: 50,
  lastPtsMs: 1960,
  expectedDurationMs: 2000,
  input: 'in.mp4',
  ffmpegInput: 'file:/x/in.mp4',
  ...over,
});

describe('streamOutcome', () => {
  it('completes a full decode', () => {
    expect(streamOutcome(end())).toBeNull();
    expect(streamOutcome(end({ expectedDurationMs: null, lastPtsMs: 10 }))).toBeNull();
  });

  it('completes silently when we killed ffmpeg on unsubscribe', () => {
    expect(streamOutcome(end({ exit: { code: null, signal: 'SIGTERM', killedByOwner: true }, decoded: 3 }))).toBeNull();
  });

  it('reports our own stall error and a spawn failure as they are', () => {
    const stall = new FakescopeError('E_INPUT_UNREACHABLE', 'stalled');
    const killed = { code: null, signal: 'SIGTERM' as const, killedByOwner: true };
    expect(streamOutcome(end({ exit: killed, ownError: stall }))).toBe(stall);
    const missing = new FakescopeError('E_FFMPEG_MISSING', 'no ffmpeg');
    expect(streamOutcome(end({ exit: { ...clean, code: null, spawnError: missing } }))).toBe(missing);
  });

  it('flags a truncated file by "partial file" or by frames ending early, after the frames', () => {
    const partial = streamOutcome(end({ stderrTail: ['[mov @ 0x1] stream 0, offset 0x5301: partial file'], decoded: 10, lastPtsMs: 360 }));
    expect(partial?.code).toBe('E_INPUT_CORRUPT');
    expect(partial?.message).toBe('in.mp4: truncated, frames end at 0.36 s of 2.00 s (10 frames delivered)');
    expect(streamOutcome(end({ lastPtsMs: 5000, expectedDurationMs: 10_000 }))?.code).toBe('E_INPUT_CORRUPT');
    expect(streamOutcome(end({ lastPtsMs: 9200, expectedDurationMs: 10_000 }))).toBeNull(); // within tolerance
  });

  it('classifies a failed ffmpeg and says how many frames came before', () => {
    const lines = ['[tcp @ 0x1] Connection reset by peer'];
    const e = streamOutcome(end({ exit: { ...clean, code: 1 }, stderrTail: lines, decoded: 7 }));
    expect(e?.code).toBe('E_INPUT_UNREACHABLE');
    expect(e?.message).toMatch(/after 7 frames$/);
  });

  it('calls a clean exit without frames empty, unless stderr says why', () => {
    expect(streamOutcome(end({ decoded: 0, lastPtsMs: null }))?.code).toBe('E_INPUT_EMPTY');
    const corrupt = end({ decoded: 0, lastPtsMs: null, stderrTail: ['Invalid data found when processing input'] });
    expect(streamOutcome(corrupt)?.code).toBe('E_INPUT_CORRUPT');
  });
});
