import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/schema.js';
import { builtinRegistry } from '../../src/detectors/builtin.js';
import type { FaceResult } from '../../src/pipeline/frame-result-schema.js';
import { faceLabel, facesSvg } from '../../src/render/overlay.js';
import { tempDir } from '../helpers/media.js';
import { makeFaceClip } from '../helpers/synthetic-face.js';

/**
 * One number per face everywhere: the overlay label of a face is its track's fused verdict so far,
 * and on the track's last frame that is exactly the number and verdict of the report's track
 * summary (what the CLI summary, the JSON summary and the page print). With the shipped policy
 * rPPG weighs 0, so a plain average of the detectors (the old overlay label) would differ.
 */
let media: { dir: string; cleanup: () => Promise<void> };
let clip: string;

beforeAll(async () => {
  media = await tempDir('fakescope-one-');
  clip = await makeFaceClip(join(media.dir, 'face.mp4'), {
    width: 320,
    height: 240,
    frames: 40,
    at: (i) => [{ cx: 160 + 2 * Math.sin(i / 5), cy: 125, size: 55 }],
  });
}, 120_000);
afterAll(() => media.cleanup());

describe('one number per face', () => {
  it('overlay label = track verdict on the last frame; every face carries its running verdict', async () => {
    const app = buildApp(parseConfig({}), builtinRegistry());
    try {
      const analysis = await app.analyze(clip);
      const frames = await lastValueFrom(analysis.results.pipe(toArray()));
      const report = await analysis.report;
      expect(report.tracks.length).toBeGreaterThan(0);
      for (const t of report.tracks) {
        const last = frames.find((f) => f.result.seq === t.lastSeq)!.result.faces.find((f) => f.trackId === t.trackId) as FaceResult;
        expect(last.verdict).toEqual({ verdict: t.verdict.verdict, why: t.verdict.why, pFake: t.verdict.pFake });
        const label = faceLabel(last);
        expect(label).toContain(t.verdict.pFake!.toFixed(2));
        expect(facesSvg(320, 240, [last], faceLabel)).toContain(`>${label.replace(/'/g, '&#39;')}<`);
        // The report keeps the same annotated frames.
        expect(report.frames.find((f) => f.seq === t.lastSeq)!.faces.find((f) => f.trackId === t.trackId)!.verdict).toEqual(last.verdict);
      }
      // One face: the clip's verdict is that face's verdict.
      if (report.tracks.length === 1) expect(report.summary.pFake).toBeCloseTo(report.tracks[0]!.verdict.pFake!, 12);
      for (const f of frames) for (const face of f.result.faces) expect(face.verdict).toBeDefined();
    } finally {
      await app.stop();
    }
  });
});
