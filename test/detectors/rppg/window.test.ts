import { describe, expect, it } from 'vitest';
import type { WindowFeatures } from '../../../src/detectors/rppg/features.js';
import { createAnalysisContext } from '../../../src/detectors/rppg/options.js';
import type { RegionSample } from '../../../src/detectors/rppg/regions.js';
import { PulseWindow } from '../../../src/detectors/rppg/window.js';
import { type SampleStreamSpec, sampleStream } from './synth.js';

function stream(spec: Partial<SampleStreamSpec> = {}): { ptsMs: number; sample: RegionSample }[] {
  return [...sampleStream({ fps: 30, frames: 240, hrHz: 1.2, pulseLevels: 0.7, cellNoise: 0.3, seed: 3, ...spec })];
}

/** Pushes every frame, returning the emitted features with the index of the frame that emitted. */
function run(win: PulseWindow, frames: { ptsMs: number; sample: RegionSample | null }[]): { i: number; f: WindowFeatures }[] {
  const out: { i: number; f: WindowFeatures }[] = [];
  frames.forEach(({ ptsMs, sample }, i) => {
    const f = win.push(ptsMs, sample);
    if (f) out.push({ i, f });
  });
  return out;
}

describe('PulseWindow', () => {
  it('fills for one window, then analyses every hop', () => {
    const win = new PulseWindow();
    const emitted = run(win, stream());
    // One emission per 0.5 s of presentation time: frames 0, 15, 30, …
    expect(emitted.map((e) => e.i)).toEqual(Array.from({ length: 16 }, (_, k) => k * 15));
    const filling = emitted.filter((e) => e.f.state === 'filling');
    const analysed = emitted.filter((e) => e.f.state !== 'filling');
    // The window spans 127/30 s; with one grid step of slack it is full from frame 126 (4.2 s).
    expect(filling.map((e) => e.i).at(-1)).toBe(120);
    expect(analysed[0]?.i).toBe(135);
    for (let k = 1; k < filling.length; k++) expect(filling[k]?.f.fill).toBeGreaterThan(filling[k - 1]?.f.fill as number);
    for (const { f } of filling) {
      expect(f.reasons).toEqual(['filling']);
      expect(f.hrBpm).toBeNull();
    }
    for (const { f } of analysed) {
      expect(f.state).toBe('ok');
      expect(Math.abs((f.hrBpm as number) - 72)).toBeLessThan(2);
      expect(f.resets).toBe(0);
      expect(f.lastReset).toBeNull();
    }
    expect(win.latest).toBe(emitted.at(-1)?.f);
  });

  it('keeps at most one window of samples', () => {
    const win = new PulseWindow();
    run(win, stream({ frames: 600 }));
    expect(win.size).toBeLessThanOrEqual(129);
  });

  it.each([
    // [case, frames removed (no push at all), expected reset]
    ['a 0.3 s hole is bridged', 9, null],
    ['a 1 s hole resets the window', 30, 'gap'],
  ] as const)('%s', (_name, hole, reset) => {
    const frames = stream();
    frames.splice(150, hole);
    const win = new PulseWindow();
    const after = run(win, frames).filter((e) => e.i >= 150);
    expect(after[0]?.i).toBe(150);
    expect(after[0]?.f.lastReset).toBe(reset);
    expect(after[0]?.f.state).toBe(reset ? 'filling' : 'ok');
    expect(after[0]?.f.resets).toBe(reset ? 1 : 0);
  });

  it('resets when the face is lost for longer than maxGapSec, once, and says so', () => {
    const frames: { ptsMs: number; sample: RegionSample | null }[] = stream();
    for (let i = 150; i < 180; i++) frames[i] = { ptsMs: (frames[i] as { ptsMs: number }).ptsMs, sample: null };
    const win = new PulseWindow();
    const lost = run(win, frames).filter((e) => e.i >= 150 && e.i < 180);
    // Emitted at the first frame more than 0.5 s after the last usable one (frame 149 + 16).
    expect(lost.map((e) => e.i)).toEqual([165]);
    expect(lost[0]?.f.state).toBe('filling');
    expect(lost[0]?.f.lastReset).toBe('face-lost');
    expect(lost[0]?.f.fill).toBe(0);
  });

  it('treats a sample without face skin like a missing face', () => {
    const frames: { ptsMs: number; sample: RegionSample | null }[] = stream();
    const blank = stream({ missingCells: Array.from({ length: 32 }, (_, i) => i) });
    for (let i = 150; i < 180; i++) frames[i] = blank[i] as { ptsMs: number; sample: RegionSample };
    const win = new PulseWindow();
    const lost = run(win, frames).filter((e) => e.i >= 150 && e.i < 180);
    expect(lost[0]?.f.lastReset).toBe('face-lost');
  });

  it('resets when time goes back (a seek) and on request', () => {
    const frames = stream({ frames: 60 });
    const win = new PulseWindow();
    run(win, frames);
    const back = win.push(100, (frames[3] as { sample: RegionSample }).sample);
    expect(back?.lastReset).toBe('time-went-back');
    expect(back?.state).toBe('filling');
    win.reset();
    const next = win.push(200, (frames[4] as { sample: RegionSample }).sample);
    expect(next?.lastReset).toBe('manual');
    expect(next?.resets).toBe(2);
  });

  it('never reports ok on noise', () => {
    const win = new PulseWindow();
    const analysed = run(win, stream({ hrHz: 0, frames: 300 })).filter((e) => e.f.state !== 'filling');
    expect(analysed.length).toBeGreaterThan(5);
    for (const { f } of analysed) expect(f.state).toBe('low-quality');
  });

  it('takes option overrides or a prepared analysis context, and rejects non-finite times', () => {
    expect(new PulseWindow({ hopSec: 1 }).options.hopSec).toBe(1);
    const win = new PulseWindow(createAnalysisContext({ hopSec: 2 }));
    expect(win.options.hopSec).toBe(2);
    expect(() => win.push(NaN, null)).toThrow(RangeError);
  });
});
