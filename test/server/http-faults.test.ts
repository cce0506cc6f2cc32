import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './helpers.js';
import { startServer } from './helpers.js';

/** Issue #12, smaller faults: each answer is a clear coded 4xx/503, decided as early as possible. */
let srv: TestServer;
beforeAll(async () => {
  srv = await startServer({ server: { upload: { maxBytes: 100_000 }, maxActiveAnalyses: 1 }, rest: { detectors: [] } });
});
afterAll(async () => srv.close());

/** A raw request: headers and as much body as given, then (optionally) the socket left open. */
function raw(path: string, headers: Record<string, string>, body: Buffer, end = true): Promise<{ status: number; headers: Record<string, unknown>; body: string; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL(srv.url);
    const req = request({ host: u.hostname, port: u.port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, sentBytes: req.socket?.bytesWritten ?? 0 }));
    });
    req.on('error', reject);
    req.write(body);
    if (end) req.end();
  });
}

describe('HTTP faults', () => {
  it('answers 400 to a multipart body without its closing boundary', async () => {
    const b = '----fakescope-boundary';
    const body = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="video"; filename="x.mp4"\r\nContent-Type: video/mp4\r\n\r\n${'x'.repeat(5000)}`);
    const r = await raw('/api/analyses/upload', { 'content-type': `multipart/form-data; boundary=${b}`, 'content-length': String(body.length) }, body);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'E_BAD_REQUEST' });
    expect((await fetch(`${srv.url}/api/health`)).status).toBe(200);
  });

  it('refuses an oversize upload with 413 from Content-Length, before reading the body', async () => {
    // Only the headers and 1 KB are sent; a server that read the body first would wait forever.
    const r = await raw('/api/analyses/upload', { 'content-type': 'multipart/form-data; boundary=zz', 'content-length': String(50_000_000) }, Buffer.alloc(1024), false);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'E_TOO_LARGE' });
  });

  it('sends Retry-After with 503 E_BUSY', async () => {
    const { FakescopeError } = await import('../../src/errors.js');
    const manager = srv.live.manager as unknown as { create: (...a: unknown[]) => Promise<unknown> };
    const original = manager.create.bind(manager);
    manager.create = async () => {
      throw new FakescopeError('E_BUSY', '1 analyses are running (server.maxActiveAnalyses); try again later');
    };
    try {
      const r = await fetch(`${srv.url}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'http://93.184.216.34/x.mp4' }) });
      expect(r.status).toBe(503);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      manager.create = original;
    }
  });
});
