import { describe, expect, it } from 'vitest';
import { median } from '../../../src/core/stats.js';
import { RollingRobust, robustZ } from '../../../src/pipeline/alerts/robust-baseline.js';
import { SpikeTracker } from '../../../src/pipeline/alerts/spike-tracker.js';
import type { SpikeAlertEvent, SpikePolicy } from '../../../src/pipeline/alerts/types.js';

const policy: SpikePolicy = { windowFrames: 50, minBaselineFrames: 10, openZ: 4, closeZ: 2, minScale: 0.005, minDurationMs: 100, closeAfterMs: 100 };

/** Feeds a series at 25 fps (40 ms per frame) and collects events with their frame index. */
function run(series: readonly (number | Record<string, number>)[], p = policy): (SpikeAlertEvent & { at: number })[] {
  const t = new SpikeTracker(1, p);
  const out: (SpikeAlertEvent & { at: number })[] = [];
  series.forEach((v, i) => {
    const epistemic = typeof v === 'number' ? { a: v } : v;
    for (const e of t.push({ seq: i, ptsMs: i * 40, epistemic })) out.push({ ...e, at: i });
  });
  for (const e of t.finish()) out.push({ ...e, at: series.length });
  return out;
}

const calm = (n: number) => Array.from({ length: n }, (_, i) => 0.02 + 0.002 * Math.sin(i));

describe('robust baseline', () => {
  it.each([
    [[1, 2, 3], 2],
    [[4, 1, 3, 2], 2.5],
    [[5], 5],
  ])('median(%j) = %d', (xs, m) => expect(median(xs)).toBe(m));

  it('keeps the last `window` values and ignores one outlier', () => {
    const b = new RollingRobust(5);
    for (const x of [100, 1, 1, 1, 2, 1]) b.push(x);
    expect(b.size).toBe(5);
    expect(b.stats()?.median).toBe(1);
    expect(robustZ(3, { median: 1, scale: 0 }, 0.5)).toBe(4);
  });
});

describe('SpikeTracker', () => {
  it('stays quiet on a calm series and before the baseline is ready', () => {
    expect(run(calm(100))).toEqual([]);
    expect(run([...calm(5), 0.5, 0.5, 0.5, 0.5])).toEqual([]); // 5 < minBaselineFrames
  });

  it('ignores a spike shorter than minDurationMs', () => {
    expect(run([...calm(30), 0.3, 0.3, ...calm(30)])).toEqual([]); // 40 ms < 100 ms
  });

  it('opens after minDurationMs, updates on new peaks, closes with hysteresis', () => {
    const series = [...calm(30), 0.2, 0.25, 0.3, 0.4, 0.5, 0.3, ...calm(20)];
    const ev = run(series);
    // 30 starts the segment; 33 is 120 ms later (≥ 100 ms); 34 is a new peak; below closeZ from
    // 36, closed 120 ms later at 39 with the segment ending on the last frame above (35).
    expect(ev.map((e) => [e.phase, e.at])).toEqual([
      ['start', 33],
      ['update', 34],
      ['end', 39],
    ]);
    const end = ev[2] as SpikeAlertEvent;
    expect(end).toMatchObject({ startSeq: 30, startPtsMs: 1200, endSeq: 35, endPtsMs: 1400, detectors: ['a'] });
    expect(end.peak).toMatchObject({ seq: 34, epistemic: 0.5, detector: 'a' });
    expect(end.baseline.median).toBeCloseTo(0.02, 2);
  });

  it('does not let the spike raise its own baseline: a second spike alerts again', () => {
    const spike = [0.3, 0.3, 0.3, 0.3];
    const ev = run([...calm(30), ...spike, ...calm(10), ...spike, ...calm(10)]);
    expect(ev.map((e) => e.phase)).toEqual(['start', 'end', 'start', 'end']);
  });

  it('names every detector that crossed openZ and ends an open alert when the track finishes', () => {
    const series: Record<string, number>[] = [
      ...calm(20).map((v) => ({ a: v, b: v })),
      { a: 0.3, b: 0.02 },
      { a: 0.3, b: 0.2 },
      { a: 0.3, b: 0.3 },
      { a: 0.3, b: 0.3 },
    ];
    const ev = run(series);
    expect(ev[0]?.phase).toBe('start');
    const last = ev[ev.length - 1] as SpikeAlertEvent & { at: number };
    expect(last.phase).toBe('end');
    expect(last.detectors).toEqual(['a', 'b']);
    expect(last.endSeq).toBe(23);
  });
});
