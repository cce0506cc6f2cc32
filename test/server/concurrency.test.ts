import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/pipeline/report-schema.js';
import type { AnalysisInfo } from '../../src/server/wire.js';
import { makeClip, sharedMedia, tempDir } from '../helpers/media.js';
import type { TestServer } from './helpers.js';
import { startServer, upload, waitFinal } from './helpers.js';

/**
 * Concurrent analyses must not see each other's frames. (One App's face detector reuses one input
 * buffer across overlapping calls; the server gives each analysis its own App until that is fixed.)
 */
let srv: TestServer;
let media: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  media = await tempDir();
  srv = await startServer({ server: { feed: { overlayEveryMs: 0 } } });
});
afterAll(async () => {
  await srv.close();
  await media.cleanup();
});

async function analyse(path: string): Promise<Report> {
  const res = await upload(srv.url, path, await readFile(path));
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as AnalysisInfo;
  await waitFinal(srv.url, id, {}, 120_000);
  return (await (await fetch(`${srv.url}/api/analyses/${id}/report`)).json()) as Report;
}

const faces = (r: Report) => r.frames.map((f) => f.faces.map((x) => [x.trackId, Math.round(x.box.x), Math.round(x.box.y)]));

describe('concurrent analyses', () => {
  it('give the same faces as one at a time (skipped without ../shared/media)', async (ctx) => {
    const src = sharedMedia('fake_dfdc_widuwuoiur.mp4');
    if (!src) {
      console.log('skipped: ../shared/media is absent');
      ctx.skip();
      return;
    }
    const face = join(media.dir, 'face2.mp4');
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', src, '-t', '2', '-an', '-c:v', 'libx264', '-preset', 'ultrafast', face]);
    const pattern = await makeClip(media.dir, { seconds: 2, width: 640, height: 360 });
    const solo = [await analyse(face), await analyse(pattern)];
    const together = await Promise.all([analyse(face), analyse(pattern)]);
    expect(faces(together[0] as Report)).toEqual(faces(solo[0] as Report));
    expect(faces(together[1] as Report)).toEqual(faces(solo[1] as Report));
  });
});
