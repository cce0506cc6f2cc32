import { lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { openSource, pullFrames } from '../../src/ingest/index.js';
import { SHARED_MEDIA_DIR, meanByte, sharedMedia } from '../helpers/media.js';

// FF++-style original in H.264 High 4:4:4 (yuv444p): the files that broke input-side -ss seeking.
const ffpp = sharedMedia('real_ffpp-like_cyshih_real.mp4');
if (!ffpp) {
  console.warn(
    `[ingest] skipping shared-media test: ${SHARED_MEDIA_DIR}real_ffpp-like_cyshih_real.mp4 not found (a fresh clone has no ../shared)`,
  );
}

describe.skipIf(!ffpp)('shared media: FF++ yuv444p original', () => {
  it('decodes 50 frames cleanly', async () => {
    const source = await openSource(ffpp as string, { streamId: 'ffpp', analysisWidth: 640 });
    expect(source.info).toMatchObject({ pixelFormat: 'yuv444p', profile: expect.stringMatching(/4:4:4/) });
    const frames = await lastValueFrom(pullFrames(source, (f) => [f]).pipe(take(50), toArray()));
    expect(frames).toHaveLength(50);
    expect(frames.map((f) => f.ptsMs)).toEqual([...Array(50).keys()].map((i) => i * 40));
    for (const f of frames) {
      expect(f.data.length).toBe(source.width * source.height * 3);
      const mean = meanByte(f.data);
      expect(mean).toBeGreaterThan(10);
      expect(mean).toBeLessThan(245);
    }
  });
});
