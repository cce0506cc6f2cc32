import { describe, expect, it } from 'vitest';
import { RawFrameSplitter } from '../../src/ingest/raw-frames.js';

const bytes = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (from + i) % 256);

describe('RawFrameSplitter', () => {
  it('cuts frames across arbitrary chunk boundaries', () => {
    const s = new RawFrameSplitter(6);
    s.push(bytes(0, 4));
    expect(s.take()).toBeNull();
    s.push(bytes(4, 10)); // completes frame 0 and frame 1 in one chunk
    expect(Array.from(s.take() ?? [])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(s.take() ?? [])).toEqual([6, 7, 8, 9, 10, 11]);
    expect(s.take()).toBeNull();
    expect(s.pendingBytes).toBe(2);
  });

  it('cuts only when asked, holding the rest as bytes', () => {
    const s = new RawFrameSplitter(2);
    s.push(bytes(0, 8));
    expect(s.hasFrame).toBe(true);
    expect(s.pendingBytes).toBe(8);
    s.take();
    expect(s.pendingBytes).toBe(6);
  });

  it('gives each frame a buffer of its own, never a view of a chunk', () => {
    const s = new RawFrameSplitter(3);
    const chunk = bytes(0, 6);
    s.push(chunk);
    const a = s.take() as Uint8Array;
    const b = s.take() as Uint8Array;
    chunk.fill(99);
    expect(Array.from(a)).toEqual([0, 1, 2]);
    expect(Array.from(b)).toEqual([3, 4, 5]);
    expect(a.buffer).not.toBe(b.buffer);
    expect(a.buffer).not.toBe(chunk.buffer);
    expect(a.byteLength).toBe(a.buffer.byteLength);
  });

  it('ignores empty chunks and rejects a bad frame size', () => {
    const s = new RawFrameSplitter(1);
    s.push(new Uint8Array(0));
    expect(s.pendingBytes).toBe(0);
    expect(() => new RawFrameSplitter(0)).toThrow(RangeError);
  });

  it('fills frames in place through target()/wrote(), a new buffer per frame', () => {
    const s = new RawFrameSplitter(4);
    const t1 = s.target();
    t1.set([1, 2, 3]);
    s.wrote(3);
    expect(s.hasFrame).toBe(false);
    expect(s.pendingBytes).toBe(3);
    const t2 = s.target();
    expect(t2.length).toBe(1);
    expect(t2.buffer).toBe(t1.buffer); // the rest of the same frame
    t2[0] = 4;
    s.wrote(1);
    const t3 = s.target();
    expect(t3.length).toBe(4);
    expect(t3.buffer).not.toBe(t1.buffer);
    const frame = s.take() as Uint8Array;
    expect(Array.from(frame)).toEqual([1, 2, 3, 4]);
    expect(frame.buffer).toBe(t1.buffer);
    expect(frame.byteLength).toBe(frame.buffer.byteLength);
  });

  it('rejects a write past the frame it was handed', () => {
    const s = new RawFrameSplitter(4);
    s.target();
    expect(() => s.wrote(5)).toThrow(/out of sync/);
  });
});
