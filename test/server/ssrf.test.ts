import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AnalysisInfo } from '../../src/server/wire.js';
import { makeClip, makeTruncated, tempDir } from '../helpers/media.js';
import type { TestServer } from './helpers.js';
import { startServer, upload, waitFinal } from './helpers.js';
import type { Recorder } from './recorder.js';
import { startRecorder } from './recorder.js';

/**
 * Issue #12's attacks, reproduced on loopback. `internal` stands for a service on the server's
 * own network: policy forbids every fetch of it, so it must see no request at all. `media` is a
 * host the operator allowed (server.urls.allowAddresses) that serves a clip, redirects and
 * playlists.
 */
const run = promisify(execFile);
let dir: { dir: string; cleanup: () => Promise<void> };
let clip: Buffer;
let internal: Recorder;
let media: Recorder;
let srv: TestServer;
let playlistTo = '';
let segment: Buffer;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const postUrl = (url: string) => fetch(`${srv.url}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
const hls = (segment: string) => `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:5\n#EXTINF:4,\n${segment}\n#EXT-X-ENDLIST\n`;

beforeAll(async () => {
  dir = await tempDir();
  clip = await readFile(await makeClip(dir.dir, { seconds: 1, width: 160, height: 120 }));
  const ts = join(dir.dir, 'seg.ts');
  await run('ffmpeg', ['-v', 'error', '-y', '-i', await makeClip(dir.dir, { seconds: 1, width: 160, height: 120, name: 's.mp4' }), '-c', 'copy', '-f', 'mpegts', ts]);
  segment = await readFile(ts);
  internal = await startRecorder((_req, res) => res.writeHead(200, { 'content-type': 'video/mp4' }).end(clip));
  media = await startRecorder((req, res) => {
    if (req.url?.startsWith('/clip.mp4')) res.writeHead(200, { 'content-type': 'video/mp4' }).end(clip);
    else if (req.url === '/to-internal') res.writeHead(302, { location: `${internal.base}/secret.mp4` }).end();
    else if (req.url === '/to-clip') res.writeHead(302, { location: '/clip.mp4' }).end();
    else if (req.url === '/list.m3u8') res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' }).end(hls(playlistTo));
    else if (req.url === '/ok.m3u8') res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' }).end(hls('seg.ts'));
    else if (req.url === '/seg.ts') res.writeHead(200, { 'content-type': 'video/mp2t' }).end(segment);
    else res.writeHead(404).end();
  });
  srv = await startServer({
    server: { urls: { allowAddresses: [`127.0.0.1:${media.port}`] }, upload: { maxDurationS: 1 } },
    rest: { detectors: [] },
  });
});
afterAll(async () => {
  await srv.close();
  await internal.close();
  await media.close();
  await dir.cleanup();
});

describe('SSRF through stream URLs', () => {
  it('refuses a backslash URL that ffmpeg would have sent to 127.0.0.1 (403, no request)', async () => {
    const r = await postUrl(`http://1.2.3.4\\@127.0.0.1:${internal.port}/x.mp4`);
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ code: 'E_INPUT_REFUSED' });
    await sleep(500);
    expect(internal.requests).toEqual([]);
  });

  it('refuses a redirect to a forbidden host (the proxy checks every hop) and follows an allowed one', async () => {
    const r = await postUrl(`${media.base}/to-internal`);
    expect([403, 422]).toContain(r.status);
    expect(media.requests).toContain('GET /to-internal');
    expect(internal.requests).toEqual([]);
    const ok = await postUrl(`${media.base}/to-clip`);
    expect(ok.status).toBe(201);
    const info = (await ok.json()) as AnalysisInfo;
    expect((await waitFinal(srv.url, info.id)).status).toBe('done');
  });

  it('refuses HLS segments on a forbidden host', async () => {
    playlistTo = `${internal.base}/seg.ts`;
    const r = await postUrl(`${media.base}/list.m3u8`);
    if (r.status === 201) await waitFinal(srv.url, ((await r.json()) as AnalysisInfo).id);
    expect(media.requests).toContain('GET /list.m3u8');
    expect(internal.requests).toEqual([]);
    expect((await fetch(`${srv.url}/api/health`)).status).toBe(200);
  });

  it('still analyses an HLS playlist whose segments are on an allowed host (through the proxy)', async () => {
    const r = await postUrl(`${media.base}/ok.m3u8`);
    expect(r.status).toBe(201);
    const info = (await r.json()) as AnalysisInfo;
    expect((await waitFinal(srv.url, info.id)).status).toBe('done');
    expect(media.requests).toContain('GET /seg.ts');
    expect(((await (await fetch(`${srv.url}/api/analyses/${info.id}`)).json()) as AnalysisInfo).frames).toBeGreaterThan(0); // HLS is live: latest-wins drops
  });

  it('shows no query token of a stream URL to API users', async () => {
    const r = await postUrl(`${media.base}/clip.mp4?token=s3cret-t0ken`);
    expect(r.status).toBe(201);
    const info = (await r.json()) as AnalysisInfo;
    expect(info.input).toBe(`${media.base}/clip.mp4?token=***`);
    await waitFinal(srv.url, info.id);
    expect(await (await fetch(`${srv.url}/api/analyses`)).text()).not.toContain('s3cret');
    expect(await (await fetch(`${srv.url}/api/analyses/${info.id}/report`)).text()).not.toContain('s3cret');
  });
});

describe('local file read through an upload', () => {
  it('refuses an HLS playlist uploaded as .mp4 before it opens the file it names (415)', async () => {
    const ts = join(dir.dir, 'private.ts');
    await run('ffmpeg', ['-v', 'error', '-y', '-i', await makeClip(dir.dir, { seconds: 1, width: 160, height: 120, name: 'p.mp4' }), '-c', 'copy', '-f', 'mpegts', ts]);
    const before = (await (await fetch(`${srv.url}/api/analyses`)).json()) as { analyses: unknown[] };
    const r = await upload(srv.url, 'x.mp4', new TextEncoder().encode(hls(ts)));
    expect(r.status).toBe(415);
    expect(await r.json()).toMatchObject({ code: 'E_INPUT_NOT_VIDEO', message: expect.stringMatching(/^x\.mp4: .*hls/) });
    const after = (await (await fetch(`${srv.url}/api/analyses`)).json()) as { analyses: unknown[] };
    expect(after.analyses.length).toBe(before.analyses.length);
  });

  it('names a failed upload by its upload name, never by the server path', async () => {
    const cut = await readFile(await makeTruncated(await makeClip(dir.dir, { seconds: 1, width: 160, height: 120, name: 'whole.mp4' }), 0.6));
    const r = await upload(srv.url, 'cut.mp4', cut);
    const info = (await r.json()) as AnalysisInfo;
    if (r.status !== 201) {
      expect(JSON.stringify(info)).not.toContain(srv.dataDir);
      return;
    }
    const final = (await (await fetch(`${srv.url}/api/analyses/${(await waitFinal(srv.url, info.id), info.id)}`)).json()) as AnalysisInfo;
    expect(final.status).toBe('failed');
    expect(final.error?.message).toMatch(/^cut\.mp4: /);
    expect(JSON.stringify(final)).not.toContain(srv.dataDir);
  });

  it('stops an upload with no duration (raw H.264) at the duration limit with E_TOO_LONG', async () => {
    const raw = join(dir.dir, 'long.h264');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'h264', raw]);
    const r = await upload(srv.url, 'long.h264', await readFile(raw));
    expect(r.status).toBe(201);
    const info = (await r.json()) as AnalysisInfo;
    await waitFinal(srv.url, info.id);
    const final = (await (await fetch(`${srv.url}/api/analyses/${info.id}`)).json()) as AnalysisInfo;
    expect(final.status).toBe('failed');
    expect(final.error?.code).toBe('E_TOO_LONG');
    expect(final.frames).toBeLessThanOrEqual(30); // 1 s at 25 fps, not the 100 frames of the file
    expect(existsSync(join(srv.dataDir, 'uploads', info.id))).toBe(false); // a failed upload is removed
  });
});

describe('SSRF through the webcam relay', () => {
  it('does not read a playlist sent as a webcam chunk (no request to the internal host, no relay port shown)', async () => {
    const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/api/webcam`);
    const messages: string[] = [];
    ws.on('message', (d) => messages.push(String(d)));
    await new Promise((r) => ws.on('open', r));
    ws.send(Buffer.from(hls(`${internal.base}/cam.ts`)), { binary: true });
    await sleep(300);
    ws.close();
    await sleep(2500);
    expect(internal.requests).toEqual([]);
    for (const m of messages) expect(m).not.toMatch(/127\.0\.0\.1:\d+/);
  });
});

