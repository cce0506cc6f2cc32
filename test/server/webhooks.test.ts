import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebhookDispatcher, signPayload } from '../../src/server/webhooks.js';

/** A receiver on 127.0.0.1 that fails the first `failFirst` requests with 503. */
async function receiver(failFirst: number) {
  const got: { body: string; signature: string | undefined }[] = [];
  let seen = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += String(c)));
    req.on('end', () => {
      seen++;
      if (seen <= failFirst) {
        res.writeHead(503).end();
        return;
      }
      got.push({ body, signature: req.headers['x-fakescope-signature'] as string | undefined });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, seen: () => seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('WebhookDispatcher', () => {
  it('signs with HMAC-SHA256 and retries with exponential back-off until the receiver accepts', async () => {
    const rx = await receiver(2);
    const waits: number[] = [];
    const outcomes: string[] = [];
    const d = new WebhookDispatcher({
      targets: [{ url: rx.url, secret: 's3cret' }],
      maxQueue: 10,
      maxAttempts: 5,
      backoffMs: 100,
      timeoutMs: 2000,
      sleep: async (ms) => {
        waits.push(ms); // virtual time: no real waiting
      },
      onOutcome: (o) => outcomes.push(o),
    });
    d.send({ type: 'alert', n: 1 });
    d.send({ type: 'alert', n: 2 });
    await d.idle();
    await rx.close();
    expect(waits).toEqual([100, 200]);
    expect(outcomes).toEqual(['retry', 'retry', 'ok', 'ok']);
    expect(rx.got.map((g) => JSON.parse(g.body).n)).toEqual([1, 2]);
    for (const g of rx.got) expect(g.signature).toBe(signPayload('s3cret', g.body));
  });

  it('gives up after maxAttempts and keeps its queue bounded, dropping the oldest', async () => {
    const outcomes: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const calls: string[] = [];
    const d = new WebhookDispatcher({
      targets: [{ url: 'http://127.0.0.1:9/x', secret: '' }],
      maxQueue: 2,
      maxAttempts: 2,
      backoffMs: 1,
      timeoutMs: 100,
      sleep: async () => undefined,
      fetch: (async (_url: string, init: { body: string }) => {
        calls.push(init.body);
        await gate;
        return new Response(null, { status: 500 });
      }) as unknown as typeof fetch,
      onOutcome: (o) => outcomes.push(o),
    });
    for (let i = 0; i < 5; i++) d.send({ i });
    release();
    await d.idle();
    // 0 is in flight; 1..4 queue with room for 2: 1 and 2 are dropped.
    expect(outcomes.filter((o) => o === 'dropped')).toHaveLength(2);
    expect([...new Set(calls)].map((b) => JSON.parse(b).i)).toEqual([0, 3, 4]);
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(3);
  });
});
