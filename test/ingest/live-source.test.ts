import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lastValueFrom, map, timer, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSource, pullFrames } from '../../src/ingest/index.js';
import { serveDir } from '../helpers/http.js';
import { makeClip, tempDir } from '../helpers/media.js';

let dir: string;
let cleanup: () => Promise<void>;
let clip: string; // 320x240, 25 fps, 1 s; forced live it plays in real time (-re)

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  clip = await makeClip(dir);
});
afterAll(() => cleanup());

describe('live source', () => {
  it('drains ffmpeg at full speed and keeps only the latest frames for a slow consumer', async () => {
    const source = await openSource(clip, { streamId: 'cam', analysisWidth: 80, live: true, liveSlots: 2 });
    expect(source.live).toBe(true);
    const frames = await lastValueFrom(
      pullFrames(source, (f) => timer(150).pipe(map(() => f))).pipe(toArray()),
    );
    const stats = source.stats();
    expect(stats.decoded).toBe(25); // nothing left unread in ffmpeg
    expect(stats.dropped).toBeGreaterThan(10);
    expect(stats.emitted + stats.dropped).toBe(stats.decoded);
    expect(frames.map((f) => f.seq)).toEqual([...Array(frames.length).keys()]); // seq counts emitted frames
    const pts = frames.map((f) => f.ptsMs);
    expect(pts[pts.length - 1]).toBe(960); // the newest frame always makes it
    expect(pts.some((t, i) => i > 0 && t - (pts[i - 1] ?? 0) > 40)).toBe(true); // drops show as gaps in time
  });

  it('drops nothing when the consumer keeps up', async () => {
    const source = await openSource(clip, { streamId: 'cam', analysisWidth: 80, live: true });
    const frames = await lastValueFrom(source.frames().pipe(toArray()));
    expect(frames).toHaveLength(25);
    expect(source.stats()).toEqual({ decoded: 25, emitted: 25, dropped: 0 });
  });

  it('treats an HLS playlist over http as live, segments included', async () => {
    await promisify(execFile)('ffmpeg', [
      '-v', 'error', '-y', '-i', clip, '-c', 'copy', '-f', 'hls', '-hls_time', '0.4',
      '-hls_playlist_type', 'vod', '-hls_segment_filename', join(dir, 'seg%03d.ts'), join(dir, 'index.m3u8'),
    ]);
    const server = await serveDir(dir);
    try {
      const source = await openSource(`${server.url}/index.m3u8`, { streamId: 'hls', analysisWidth: 80 });
      expect(source.live).toBe(true);
      const frames = await lastValueFrom(source.frames().pipe(toArray()));
      expect(frames.length).toBe(25);
      expect(frames[24]?.ptsMs).toBeCloseTo(960, 0);
    } finally {
      await server.close();
    }
  });
});
