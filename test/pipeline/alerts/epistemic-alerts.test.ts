import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { epistemicAlerts } from '../../../src/pipeline/alerts/epistemic-alerts.js';
import type { SpikePolicy } from '../../../src/pipeline/alerts/types.js';
import type { FaceResult, FrameResult } from '../../../src/pipeline/frame-result-schema.js';

const policy: SpikePolicy = { windowFrames: 20, minBaselineFrames: 3, openZ: 4, closeZ: 2, minScale: 0.01, minDurationMs: 0, closeAfterMs: 0 };

function frame(seq: number, epistemic: number | null, ended: number[] = []): FrameResult {
  const face: FaceResult = {
    trackId: 7,
    box: { x: 0, y: 0, w: 10, h: 10 },
    landmarks: {} as FaceResult['landmarks'],
    score: 1,
    source: 'detected',
    detectors: epistemic === null ? { d: { state: 'insufficient', pFake: null, uncertainty: null } } : { d: { state: 'ok', pFake: 0.5, uncertainty: { mean: 0.5, std: 0, entropy: 0.6, aleatoric: 0.6 - epistemic, epistemic, samples: 8 } } },
  };
  return { streamId: 's', seq, ptsMs: seq * 40, width: 64, height: 64, faces: ended.length ? [] : [face], endedTracks: ended, timing: { facesMs: 0, detectorsMs: 0 } };
}

describe('epistemicAlerts (marble, virtual time)', () => {
  it('emits start at the spike, end when it falls back; insufficient frames are ignored', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const frames = { a: frame(0, 0.02), b: frame(1, 0.02), c: frame(2, 0.02), d: frame(3, 0.5), e: frame(4, null), f: frame(5, 0.02) };
      const out = cold('abcdef|', frames).pipe(epistemicAlerts(policy));
      expectObservable(out, '^ 10ms !').toBe('---s-e|', {
        s: expect.objectContaining({ phase: 'start', trackId: 7, startSeq: 3 }),
        e: expect.objectContaining({ phase: 'end', trackId: 7, startSeq: 3, endSeq: 3 }),
      });
    });
  });

  it('closes an open alert when its track ends and at the end of the stream', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const frames = { a: frame(0, 0.02), b: frame(1, 0.02), c: frame(2, 0.02), d: frame(3, 0.5), x: frame(4, null, [7]) };
      expectObservable(cold('abcdx|', frames).pipe(epistemicAlerts(policy))).toBe('---se|', {
        s: expect.objectContaining({ phase: 'start' }),
        e: expect.objectContaining({ phase: 'end', endSeq: 3 }),
      });
      expectObservable(cold('abcd|', frames).pipe(epistemicAlerts(policy))).toBe('---s(e|)', {
        s: expect.objectContaining({ phase: 'start' }),
        e: expect.objectContaining({ phase: 'end' }),
      });
    });
  });
});
