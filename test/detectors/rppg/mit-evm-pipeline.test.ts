/**
 * Acceptance on real video through the real pipeline: the MIT Eulerian Video Magnification 'face'
 * clip (documented pulse 50–60 bpm, estimated 53 bpm; no sensor ground truth) analysed by the app
 * with the `rppg` detector — ingest, BlazeFace + tracker landmarks, the detector's own sampling
 * and windows. Nothing is placed by hand here (compare mit-evm.test.ts, which tests the signal
 * chain alone with hand-placed landmarks).
 */
import { lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/schema.js';
import { builtinRegistry } from '../../../src/detectors/builtin.js';
import type { DetectorOutput } from '../../../src/detectors/contract.js';
import { sharedMedia } from '../../helpers/media.js';

const CLIP = sharedMedia('real_mit-evm_face.mp4');
if (!CLIP) console.warn('rPPG MIT-EVM pipeline check skipped: ../shared/media/real_mit-evm_face.mp4 is absent (research clips are not in the repository)');

describe.skipIf(!CLIP)('MIT-EVM face clip through the analyzer (documented pulse 50–60 bpm)', () => {
  it('measures a clear pulse in the documented band with face-tracker landmarks', async () => {
    const app = buildApp(parseConfig({ detectors: [{ type: 'rppg' }] }), builtinRegistry());
    try {
      const analysis = await app.analyze(CLIP as string, { keepFrames: true });
      await lastValueFrom(analysis.results, { defaultValue: null });
      const report = await analysis.report;
      expect(report.summary.tracks).toBe(1);
      const outs = report.frames.flatMap((f) => f.faces.map((face) => face.detectors.rppg as DetectorOutput));
      expect(outs.length).toBe(report.summary.frames);
      const clear = outs.filter((o) => o.measurements?.clearPulse === 1);
      const measured = outs.filter((o) => typeof o.measurements?.hrBpm === 'number');
      expect(measured.length).toBeGreaterThan(100);
      expect(clear.length).toBeGreaterThanOrEqual(measured.length / 2);
      const rates = clear.map((o) => o.measurements?.hrBpm as number).sort((a, b) => a - b);
      const median = rates[Math.floor(rates.length / 2)] as number;
      console.info(`MIT-EVM through the pipeline: median ${median.toFixed(1)} bpm over ${clear.length} frames with a clear pulse`);
      expect(median).toBeGreaterThanOrEqual(50);
      expect(median).toBeLessThanOrEqual(60);
      // Every scored frame carries p(fake) with its uncertainty.
      for (const o of outs.filter((x) => x.state === 'ok')) expect(o.uncertainty?.samples).toBe(32);
    } finally {
      await app.stop();
    }
  });
});
