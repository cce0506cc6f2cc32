import { describe, expect, it } from 'vitest';
import type { DetectorOutput } from '../../src/detectors/contract.js';
import type { FrameResult } from '../../src/pipeline/frame-result-schema.js';
import { SegmentAccumulator, windowAccumulators } from '../../src/pipeline/segment-features.js';
import { summarizeSamples } from '../../src/core/uncertainty.js';

const ok = (samples: number[], extra: Partial<DetectorOutput> = {}): DetectorOutput => {
  const u = summarizeSamples(samples)!;
  return { state: 'ok', pFake: u.mean, uncertainty: u, ...extra };
};
const frame = (seq: number, outputs: Record<string, DetectorOutput>, trackId = 1): FrameResult => ({
  streamId: 's',
  seq,
  ptsMs: seq * 40,
  width: 64,
  height: 64,
  faces: [{ trackId, box: { x: 0, y: 0, w: 10, h: 10 }, landmarks: {} as never, score: 1, source: 'detected', detectors: outputs }],
  endedTracks: [],
  timing: { facesMs: 0, detectorsMs: 0 },
});

describe('SegmentAccumulator', () => {
  it('pools ok outputs, counts insufficient ones and averages attribution, regions and measurements', () => {
    const acc = new SegmentAccumulator();
    const attribution = { classes: ['real', 'swap'], probabilities: [0.25, 0.75], top: 'swap', entropy: 0.5, epistemic: 0.01 };
    const regions = { mouth: summarizeSamples([0.8, 0.6])! };
    acc.addFrame(frame(0, { b: ok([0.2, 0.4], { attribution, regions, measurements: { snr: 3, hr: null } }) }));
    acc.addFrame(frame(1, { b: ok([0.6, 0.8], { attribution: { ...attribution, probabilities: [0.75, 0.25] }, measurements: { snr: 5 } }) }));
    acc.addFrame(frame(2, { b: { state: 'insufficient', pFake: null, uncertainty: null, reason: 'x', measurements: { snr: 1 } } }));
    acc.addFrame(frame(3, { b: { state: 'skipped', pFake: null, uncertainty: null } }));
    const f = acc.features();
    const pooled = summarizeSamples([0.2, 0.4, 0.6, 0.8])!;
    expect(f['b.pFake']).toBeCloseTo(pooled.mean, 12);
    expect(f['b.epistemic']).toBeCloseTo(pooled.epistemic, 12);
    expect(f['b.aleatoric']).toBeCloseTo(pooled.aleatoric, 12);
    expect(f['b.okFraction']).toBeCloseTo(2 / 3, 12);
    expect(f['b.frameStd']).toBeCloseTo(0.2, 12); // per-frame means 0.3 and 0.7
    expect(f['b.attr.swap']).toBeCloseTo(0.5, 12);
    expect(f['b.attrEpistemic']).toBeCloseTo(0.01, 12);
    expect(f['b.region.mouth.pFake']).toBeCloseTo(0.7, 12);
    expect(f['b.m.snr']).toBeCloseTo(3, 12); // measurements of every answered or insufficient output
    expect('b.m.hr' in f).toBe(false); // null measurements are absent, not 0
    expect(acc.frameCount).toBe(4);
    expect(acc.score('b').evidenceFrames).toBe(2);
  });

  it('leaves features of a detector without evidence absent', () => {
    const acc = new SegmentAccumulator();
    acc.addFrame(frame(0, { r: { state: 'insufficient', pFake: null, uncertainty: null } }));
    expect(acc.features()).toEqual({ 'r.okFraction': 0 });
    expect(acc.score('r').pFake).toBeNull();
  });

  it('follows one track when asked', () => {
    const acc = new SegmentAccumulator();
    acc.addFrame(frame(0, { b: ok([0.9]) }, 1), 2);
    acc.addFrame(frame(1, { b: ok([0.1]) }, 2), 2);
    expect(acc.features()['b.pFake']).toBeCloseTo(0.1, 12);
  });
});

describe('windowAccumulators', () => {
  it('cuts consecutive windows and drops a short tail', () => {
    const frames = Array.from({ length: 23 }, (_, i) => frame(i, { b: ok([i < 10 ? 0.1 : 0.9]) }));
    const w = windowAccumulators(frames, 10);
    expect(w.map((a) => a.frameCount)).toEqual([10, 10]);
    expect(w[0]!.features()['b.pFake']).toBeCloseTo(0.1, 12);
    expect(windowAccumulators(frames.slice(0, 17), 10).map((a) => a.frameCount)).toEqual([10, 7]);
    expect(windowAccumulators(frames.slice(0, 3), 10).map((a) => a.frameCount)).toEqual([3]);
  });
});
