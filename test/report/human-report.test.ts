import { describe, expect, it } from 'vitest';
import type { DetectorOutput } from '../../src/detectors/contract.js';
import type { FaceResult, FrameResult } from '../../src/pipeline/frame-result-schema.js';
import { frameScores, regionScores, topMoments } from '../../src/report/human-report.js';
import { faceDiagramSvg, regionFills, regionsStandOut } from '../../src/report/face-diagram.js';

const ok = (p: number): DetectorOutput => ({ state: 'ok', pFake: p, uncertainty: null });
const face = (trackId: number, detectors: Record<string, DetectorOutput>): FaceResult => ({
  trackId,
  box: { x: 0, y: 0, w: 10, h: 10 },
  landmarks: {} as never,
  score: 1,
  source: 'detected',
  detectors,
});
const frame = (seq: number, faces: FaceResult[], ptsMs = seq * 100): FrameResult => ({ streamId: 's', seq, ptsMs, width: 64, height: 64, faces, endedTracks: [], timing: { facesMs: 0, detectorsMs: 0 } });

describe('human report', () => {
  it('scores a face-frame with the fusion weights: a weight-0 detector does not count', () => {
    const scores = frameScores([frame(0, [face(1, { rppg: ok(0.1), blind: ok(0.9) })]), frame(1, [])], { rppg: 0, blind: 1 });
    expect(scores).toEqual([{ seq: 0, ptsMs: 0, score: 0.9, trackIds: [1] }]);
    // The highest face of the frame is the frame's score.
    expect(frameScores([frame(0, [face(1, { blind: ok(0.2) }), face(2, { blind: ok(0.7) })])], {})[0]!.score).toBe(0.7);
  });

  it('finds the highest one-second windows, merges neighbours and points at each peak frame', () => {
    // 10 frames per second for 5 s; seconds 1 and 2 are high, second 4 a little less.
    const level = [0.2, 0.9, 0.8, 0.1, 0.7];
    const frames = Array.from({ length: 50 }, (_, i) => frame(i, [face(1, { blind: ok(level[Math.floor(i / 10)]! + (i % 10 === 3 ? 0.05 : 0)) })]));
    const moments = topMoments(frameScores(frames, {}), 3);
    expect(moments.map((m) => [m.startMs, m.endMs, m.peakSeq])).toEqual([
      [1000, 2900, 13],
      [4000, 4900, 43],
    ]);
    expect(moments[0]!.score).toBeCloseTo(0.855, 3);
  });

  it('reads the region scores of the highest-weight detector that has them', () => {
    const features = { 'a.region.mouth.pFake': 0.8, 'b.region.nose.pFake': 0.3 };
    expect(regionScores(features, ['a', 'b'], { a: 0, b: 1 })).toMatchObject({ detector: 'b', scores: { nose: 0.3, mouth: null } });
    expect(regionScores({}, ['a'], {})).toBeNull();
  });

  it('draws seven labelled regions, shaded relative to one another', () => {
    const scores = { forehead: 0.1, leftEye: 0.2, rightEye: 0.3, nose: 0.5, leftCheek: 0.6, rightCheek: 0.7, mouth: null };
    const svg = faceDiagramSvg(scores, 'regions');
    expect(svg.match(/<title>/g)).toHaveLength(7);
    expect(svg).toContain('mouth: no score');
    expect(svg).toMatch(/aria-label="regions: forehead 10 %/);
    const fills = regionFills(scores);
    expect(fills.forehead).toBe('rgb(246,240,226)'); // the weakest region: pale
    expect(fills.rightCheek).toBe('rgb(222,96,50)'); // the strongest: deep orange
    expect(fills.nose).toBe('rgb(230,144,109)'); // (0.5 - 0.1) / 0.6 = 2/3 of the way
    expect(fills.mouth).toBe('#d7dae0');
    expect(svg).toContain('fill="rgb(222,96,50)"');
    expect(regionsStandOut(scores)).toBe(true);
  });

  it('a boundary head with small region scores still shows where to look; even scores show nothing', () => {
    const boundary = { forehead: 0.05, leftEye: 0.07, rightEye: 0.08, nose: 0.08, leftCheek: 0.09, rightCheek: 0.11, mouth: 0.09 };
    expect(regionFills(boundary).rightCheek).toBe('rgb(222,96,50)');
    const even = { forehead: 0.3, leftEye: 0.31, rightEye: 0.3, nose: 0.3, leftCheek: 0.3, rightCheek: 0.305, mouth: 0.3 };
    expect(regionsStandOut(even)).toBe(false);
    expect(new Set(Object.values(regionFills(even)))).toEqual(new Set(['rgb(246,240,226)']));
  });
});
