import type { Redis } from 'ioredis';
import { describeError } from '../../errors.js';
import { VERSION } from '../../version.js';
import type { HealthCheck } from '../routes/system.js';
import type { Store } from '../store-contract.js';
import { withTimeout } from './redis.js';

interface Reachability {
  readonly reachable: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

async function probe(fn: () => Promise<unknown>, timeoutMs: number): Promise<Reachability> {
  const t0 = performance.now();
  try {
    await withTimeout(fn(), timeoutMs);
    return { reachable: true, latencyMs: Math.round(performance.now() - t0) };
  } catch (e) {
    return { reachable: false, latencyMs: Math.round(performance.now() - t0), error: describeError(e) };
  }
}

/**
 * A cluster node's health: Redis and the database are asked each time (PING, `SELECT 1`, at most
 * `timeoutMs` each, in parallel). Both answer: 200 `ok`. One does not: 503 `unavailable` with
 * the reason; the connections reconnect by themselves, so the next check after they return is
 * 200 again with nothing restarted.
 */
export function clusterHealth(deps: { role: 'api' | 'worker'; name: string; redis: Redis; store: Store; timeoutMs: number; extra?: () => Record<string, unknown> }): HealthCheck {
  return async () => {
    const [redis, database] = await Promise.all([probe(() => deps.redis.ping(), deps.timeoutMs), probe(() => deps.store.ping(), deps.timeoutMs)]);
    const down = [redis.reachable ? null : `Redis unreachable (${redis.error})`, database.reachable ? null : `the database is unreachable (${database.error})`].filter((x): x is string => x !== null);
    return {
      statusCode: down.length ? 503 : 200,
      body: {
        status: down.length ? 'unavailable' : 'ok',
        ...(down.length ? { reason: down.join('; ') } : {}),
        role: deps.role,
        node: deps.name,
        version: VERSION,
        dependencies: { redis, database },
        ...(deps.extra?.() ?? {}),
      },
    };
  };
}
