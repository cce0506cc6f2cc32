import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeClip, makeTextFile, tempDir } from '../helpers/media.js';
import { readFile } from 'node:fs/promises';
import type { TestServer } from './helpers.js';
import { collectWs, startServer, upload } from './helpers.js';

/**
 * Bad input never takes the server down: each case gets a clear 4xx (or WS close code) with a
 * coded body, and the server answers the next request as usual.
 */
const KEY = 'test-key-123456';
const auth = { 'x-api-key': KEY };
let srv: TestServer;
let media: { dir: string; cleanup: () => Promise<void> };
let clip: Uint8Array;

beforeAll(async () => {
  media = await tempDir();
  clip = await readFile(await makeClip(media.dir, { seconds: 2, width: 160, height: 120 }));
  srv = await startServer({ server: { apiKeys: [KEY], upload: { maxBytes: 200_000, maxDurationS: 1 } } });
});
afterAll(async () => {
  await srv.close();
  await media.cleanup();
});

async function healthy(): Promise<void> {
  const r = await fetch(`${srv.url}/api/health`);
  expect(r.status).toBe(200);
}

describe('bad input', () => {
  it('refuses a missing or wrong API key on HTTP (401) and on the WebSocket handshake', async () => {
    expect((await fetch(`${srv.url}/api/analyses`)).status).toBe(401);
    const r = await fetch(`${srv.url}/api/analyses`, { headers: { 'x-api-key': 'wrong-key-000' } });
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({ code: 'E_UNAUTHORIZED', message: 'invalid API key' });
    expect((await fetch(`${srv.url}/api/analyses`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${srv.url}/api/analyses?key=${KEY}`)).status).toBe(200);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/api/analyses/x/feed?key=nope-nope-nope`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(401);
    await healthy();
  });

  it('refuses a non-video upload (415), an oversize one (413), a too-long one (422) and a missing file (400)', async () => {
    const text = await readFile(await makeTextFile(media.dir));
    let r = await upload(srv.url, 'notes.txt', text, auth);
    expect(r.status).toBe(415);
    expect(await r.json()).toMatchObject({ code: 'E_INPUT_NOT_VIDEO', message: expect.stringContaining('notes.txt') });
    r = await upload(srv.url, 'big.mp4', new Uint8Array(300_000), auth);
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ code: 'E_TOO_LARGE' });
    r = await upload(srv.url, 'long.mp4', clip, auth);
    expect(r.status).toBe(422);
    expect(await r.json()).toMatchObject({ code: 'E_TOO_LONG' });
    r = await fetch(`${srv.url}/api/analyses/upload`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(400);
    expect(((await (await fetch(`${srv.url}/api/analyses`, { headers: auth })).json()) as { analyses: unknown[] }).analyses).toEqual([]);
    await healthy();
  });

  it('refuses forbidden protocols and addresses (403), a dead URL (422) and a malformed body (400)', async () => {
    const post = (body: unknown) => fetch(`${srv.url}/api/analyses/url`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const url of ['file:///etc/passwd', 'concat:/etc/passwd', 'http://127.0.0.1:1/x.ts', 'http://localhost/x', 'http://[::1]/x', 'http://169.254.169.254/latest']) {
      const r = await post({ url });
      expect(r.status, url).toBe(403);
      expect(((await r.json()) as { code: string }).code).toBe('E_INPUT_REFUSED');
    }
    expect((await post({})).status).toBe(400);
    expect((await post({ url: { a: 1 } })).status).toBe(400);
    expect((await post({ url: 'http://a.example', extra: 1 })).status).toBe(400);
    await healthy();
  });

  it('says 404 for unknown analyses and routes', async () => {
    expect((await fetch(`${srv.url}/api/analyses/nope`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${srv.url}/api/analyses/nope/report`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${srv.url}/api/nothing`, { headers: auth })).status).toBe(404);
    const ws = await collectWs(`${srv.url.replace('http', 'ws')}/api/analyses/nope/feed?key=${KEY}`);
    expect(ws.code).toBe(4404);
    expect(ws.messages[0]).toMatchObject({ type: 'error', code: 'E_NOT_FOUND' });
  });

  it('serves health, metrics, the OpenAPI document and the config schema', async () => {
    const doc = (await (await fetch(`${srv.url}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/analyses/upload', '/api/analyses/url', '/api/analyses/{id}', '/api/analyses/{id}/feed']));
    const metrics = await (await fetch(`${srv.url}/api/metrics`, { headers: auth })).text();
    expect(metrics).toContain('# TYPE fakescope_active_analyses gauge');
    expect(((await (await fetch(`${srv.url}/api/config/schema`)).json()) as { properties: object }).properties).toHaveProperty('server');
  });
});

describe('bad input: dead URL', () => {
  it('answers 422 when nothing listens, and when the URL serves no video', async () => {
    const open = await startServer({ server: { urls: { allowPrivateAddresses: true } } });
    const junk = createHttpServer((_q, res) => res.end('hello'));
    await new Promise<void>((r) => junk.listen(0, '127.0.0.1', r));
    try {
      const post = (url: string) => fetch(`${open.url}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
      let r = await post('http://127.0.0.1:9/dead.ts');
      expect(r.status).toBe(422);
      expect(((await r.json()) as { code: string }).code).toBe('E_INPUT_UNREACHABLE');
      r = await post(`http://127.0.0.1:${(junk.address() as AddressInfo).port}/x.ts`);
      expect([415, 422]).toContain(r.status);
      expect((await fetch(`${open.url}/api/health`)).status).toBe(200);
    } finally {
      junk.close();
      await open.close();
    }
  });
});
