import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/schema.js';
import { builtinRegistry } from '../../src/detectors/builtin.js';
import { tempDir } from '../helpers/media.js';
import { makeFaceClip } from '../helpers/synthetic-face.js';

/**
 * Regression for "one person became two faces" (a small face in a full-body portrait shot): a
 * drawn face about 80 px wide in a 720×1080 frame, bobbing fast enough that the track's predicted
 * box and the fresh detection each got a refinement crop, both crops found the face, and the
 * duplicate started a second track. Through the real pipeline: BlazeFace, tiles, crops, tracker.
 */
let media: { dir: string; cleanup: () => Promise<void> };
let clip: string;

beforeAll(async () => {
  media = await tempDir('fakescope-s13-');
  clip = await makeFaceClip(join(media.dir, 'small-face.mp4'), {
    width: 720,
    height: 1080,
    frames: 75,
    at: (i) => [{ cx: 360 + 10 * Math.sin(i / 4), cy: 300 + 45 * Math.sin((2 * Math.PI * i) / 12), size: 40 }],
  });
}, 120_000);
afterAll(() => media.cleanup());

describe('a small, fast-moving face in a large frame', () => {
  it('is one track from start to end', async () => {
    const app = buildApp(parseConfig({ detectors: [] }), builtinRegistry());
    try {
      const analysis = await app.analyze(clip);
      const frames = await lastValueFrom(analysis.results.pipe(toArray()));
      const report = await analysis.report;
      const withFace = frames.filter((f) => f.result.faces.length > 0).length;
      expect(withFace / frames.length).toBeGreaterThan(0.9); // the face is found at all
      expect(report.summary.maxFacesPerFrame).toBe(1);
      expect(report.tracks.map((t) => t.trackId)).toEqual([1]);
    } finally {
      await app.stop();
    }
  });
});
