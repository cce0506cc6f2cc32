/**
 * The motion detector on real video through the real pipeline (ingest, BlazeFace + tracker
 * landmarks, the detector's own sampler, window and the shipped model): the MIT Eulerian Video
 * Magnification 'face' clip (a still-sitting person, 10 s). Research clips are not in the
 * repository: the test skips when ../shared/media is absent.
 */
import { lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/schema.js';
import { builtinRegistry } from '../../../src/detectors/builtin.js';
import type { DetectorOutput } from '../../../src/detectors/contract.js';
import { DEFAULT_MOTION_OPTIONS } from '../../../src/detectors/motion/options.js';
import { sharedMedia } from '../../helpers/media.js';

const CLIP = sharedMedia('real_mit-evm_face.mp4');
if (!CLIP) console.warn('motion pipeline check skipped: ../shared/media/real_mit-evm_face.mp4 is absent (research clips are not in the repository)');

describe.skipIf(!CLIP)('MIT-EVM face clip through the analyzer with the motion detector', () => {
  it('fills its window, then scores every frame with uncertainty and a generator distribution', async () => {
    const app = buildApp(parseConfig({ detectors: [{ type: 'motion' }] }), builtinRegistry());
    try {
      const analysis = await app.analyze(CLIP as string, { keepFrames: true });
      await lastValueFrom(analysis.results, { defaultValue: null });
      const report = await analysis.report;
      const outs = report.frames.flatMap((f) => f.faces.map((face) => ({ t: f.ptsMs, o: face.detectors.motion as DetectorOutput })));
      expect(outs.length).toBe(report.summary.frames);
      const windowMs = ((DEFAULT_MOTION_OPTIONS.n - 1) / DEFAULT_MOTION_OPTIONS.fs) * 1000;
      const early = outs.filter((x) => x.t < windowMs - 100);
      expect(early.length).toBeGreaterThan(30);
      for (const { o } of early) {
        expect(o.state).toBe('insufficient');
        expect(o.pFake).toBeNull();
        expect(o.reason).toMatch(/window filling/);
      }
      const ok = outs.filter((x) => x.o.state === 'ok').map((x) => x.o);
      expect(ok.length).toBeGreaterThan(outs.length / 2);
      for (const o of ok) {
        expect(o.pFake).toBeGreaterThan(0);
        expect(o.pFake).toBeLessThan(1);
        expect(o.uncertainty?.samples).toBe(32);
        expect(o.attribution?.classes[0]).toBe('real');
        expect(o.attribution?.probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 2);
        // A live face moves measurably (every corpus window ≥ 0.04 crop px, docs/motion.md).
        expect(Math.hypot(o.measurements?.motionLowPx as number, o.measurements?.motionActionPx as number)).toBeGreaterThanOrEqual(DEFAULT_MOTION_OPTIONS.minMotionPx);
      }
    } finally {
      await app.stop();
    }
  });
});
