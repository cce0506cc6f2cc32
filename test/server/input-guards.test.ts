import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/ingest/index.js';
import { formatAllowed } from '../../src/ingest/probe.js';
import { UPLOAD_FORMATS, uploadGuard } from '../../src/server/input-guards.js';
import { makeClip, tempDir } from '../helpers/media.js';

const run = promisify(execFile);
let dir: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => dir.cleanup());

describe('upload format allow-list', () => {
  it('matches any of a demuxer\'s names, and refuses playlist-style demuxers', () => {
    expect(formatAllowed('mov,mp4,m4a,3gp,3g2,mj2', UPLOAD_FORMATS)).toBe(true);
    expect(formatAllowed('matroska,webm', UPLOAD_FORMATS)).toBe(true);
    for (const still of ['image2', 'jpeg_pipe', 'png_pipe', 'webp_pipe']) expect(formatAllowed(still, UPLOAD_FORMATS)).toBe(true);
    for (const bad of ['hls', 'concat', 'dash', 'imf', 'sdp', 'ffmetadata', 'webm_dash_manifest', 'tty', 'lavfi']) expect(formatAllowed(bad, UPLOAD_FORMATS)).toBe(false);
  });

  it('lets still images (extension-less, as uploads are stored) past the format gate', async () => {
    for (const [ext, codec] of [['jpg', 'mjpeg'], ['png', 'png'], ['webp', 'libwebp']] as const) {
      const out = join(dir.dir, `still.${ext}`);
      try {
        await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x48', '-frames:v', '1', '-c:v', codec, out]);
      } catch {
        continue; // this ffmpeg cannot encode it
      }
      const bare = join(dir.dir, `still_${ext}`);
      await run('cp', [out, bare]);
      // Photos are analysed (still images): the format gate lets them through and the probe says so.
      const info = await probe(bare, { guard: uploadGuard('photo') });
      expect(info.still).toBe(true);
    }
  });

  it('still probes an ordinary upload with only the file protocol', async () => {
    const clip = await makeClip(dir.dir, { seconds: 1, width: 64, height: 48 });
    const info = await probe(clip, { guard: uploadGuard('clip.mp4') });
    expect(info.formatName).toContain('mp4');
  });
});
