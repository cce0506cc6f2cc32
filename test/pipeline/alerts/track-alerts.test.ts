import { describe, expect, it } from 'vitest';
import { TrackAlerts } from '../../../src/pipeline/alerts/track-alerts.js';
import type { SpikePolicy } from '../../../src/pipeline/alerts/types.js';
import type { FaceResult, FrameResult } from '../../../src/pipeline/frame-result-schema.js';
import { ReportBuilder } from '../../../src/pipeline/report.js';

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

/** The events of each frame pushed in order, as one list per frame. */
const perFrame = (alerts: TrackAlerts, frames: FrameResult[]) => frames.map((f) => alerts.push(f));

describe('TrackAlerts', () => {
  it('emits start at the spike, end when it falls back; insufficient frames are ignored', () => {
    const out = perFrame(new TrackAlerts(policy), [frame(0, 0.02), frame(1, 0.02), frame(2, 0.02), frame(3, 0.5), frame(4, null), frame(5, 0.02)]);
    expect(out.map((e) => e.map((x) => x.phase))).toEqual([[], [], [], ['start'], [], ['end']]);
    expect(out[3]![0]).toMatchObject({ phase: 'start', trackId: 7, startSeq: 3 });
    expect(out[5]![0]).toMatchObject({ phase: 'end', trackId: 7, startSeq: 3, endSeq: 3 });
  });

  it('closes an open alert when its track ends, and every open alert at the end of the stream', () => {
    const ended = perFrame(new TrackAlerts(policy), [frame(0, 0.02), frame(1, 0.02), frame(2, 0.02), frame(3, 0.5), frame(4, null, [7])]);
    expect(ended[4]).toEqual([expect.objectContaining({ phase: 'end', endSeq: 3 })]);
    const open = new TrackAlerts(policy);
    perFrame(open, [frame(0, 0.02), frame(1, 0.02), frame(2, 0.02), frame(3, 0.5)]);
    expect(open.finish()).toEqual([expect.objectContaining({ phase: 'end' })]);
    expect(open.finish()).toEqual([]);
  });
});

describe('ReportBuilder: one alert tracker for the report and the live feed', () => {
  it('hands out each frame\'s alert events, the same ones its uncertain segments are made of', () => {
    const b = new ReportBuilder(['d'], false, null, null, new Set(), policy);
    const events = [frame(0, 0.02), frame(1, 0.02), frame(2, 0.02), frame(3, 0.5), frame(4, 0.02)].map((f) => {
      b.add(f);
      return b.lastAlerts.map((e) => e.phase);
    });
    expect(events).toEqual([[], [], [], ['start'], ['end']]);
    // without an alert policy there are none
    const quiet = new ReportBuilder(['d'], false);
    quiet.add(frame(3, 0.5));
    expect(quiet.lastAlerts).toEqual([]);
    expect(quiet.closeAlerts()).toEqual([]);
  });

  it('closes open alerts at the end for the feed without changing the report', () => {
    const b = new ReportBuilder(['d'], false, null, null, new Set(), policy);
    for (const f of [frame(0, 0.02), frame(1, 0.02), frame(2, 0.02), frame(3, 0.5), frame(4, 0.6)]) b.add(f);
    const info = { tool: { name: 'fakescope', version: 't' }, input: { source: 'x', media: { still: false, durationMs: 200 } }, analysis: {} } as never;
    const pol = { decisionThreshold: 0.5, margin: 0, maxEpistemic: 1, maxDisagreement: 0.5, minEvidenceFrames: 1 };
    const before = JSON.stringify(b.build(info, pol).summary.uncertainSegments);
    expect(b.closeAlerts()).toEqual([expect.objectContaining({ phase: 'end', trackId: 7 })]);
    expect(JSON.stringify(b.build(info, pol).summary.uncertainSegments)).toBe(before);
  });
});
