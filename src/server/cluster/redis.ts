import { Redis } from 'ioredis';
import { FakescopeError, describeError } from '../../errors.js';
import { redactUrl } from './redis-url.js';

/**
 * Redis connections of a node. ioredis reconnects by itself with back-off; while Redis is gone,
 * commands fail after `maxRetriesPerRequest` tries instead of waiting forever (BullMQ's own
 * connections need `null`: they wait), so a request made during an outage gets a clear 503 and
 * one made after it recovers works, with nothing restarted.
 */
export function redisConnection(url: string, opts: { forBullmq?: boolean; name?: string } = {}): Redis {
  const r = new Redis(url, {
    lazyConnect: false,
    connectionName: opts.name ?? 'fakescope',
    maxRetriesPerRequest: opts.forBullmq ? null : 2,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(2000, 100 * 2 ** Math.min(times, 5)),
    connectTimeout: 3000,
  });
  // Errors surface through the commands that fail; an 'error' event without a listener would crash.
  r.on('error', () => undefined);
  return r;
}

/** Resolves once `r` answers PING; E_QUEUE_UNAVAILABLE (with the address) when it does not in time. */
export async function redisReady(r: Redis, url: string, timeoutMs: number): Promise<void> {
  try {
    await withTimeout(r.ping(), timeoutMs);
  } catch (e) {
    throw new FakescopeError('E_QUEUE_UNAVAILABLE', `Redis at ${redactUrl(url)} cannot be reached (${describeError(e)})`, { cause: e });
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
