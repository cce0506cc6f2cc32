import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FakescopeError } from '../errors.js';

/** API paths anyone may read (health, the API description); everything outside /api/ is the page. */
export const PUBLIC_API: ReadonlySet<string> = new Set(['/api/health', '/api/openapi.json', '/api/config/schema']);

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * API-key check for HTTP and WebSocket upgrades (the hook runs before the upgrade, so a bad key
 * gets a 401 and never a socket). Keys come from `X-API-Key` or, for browsers' WebSockets and
 * download links that cannot set headers, `?key=`. Compared in constant time on digests.
 */
export function apiKeyHook(keys: readonly string[]) {
  const accepted = keys.map(digest);
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (accepted.length === 0) return;
    // The matched route pattern, not the raw URL: encodings and slashes cannot dodge the check.
    const route = req.routeOptions.url ?? '';
    if (!route.startsWith('/api/') || PUBLIC_API.has(route)) return;
    const header = req.headers['x-api-key'];
    const query = (req.query as Record<string, unknown> | undefined)?.key;
    const given = typeof header === 'string' ? header : typeof query === 'string' ? query : null;
    if (given === null) throw new FakescopeError('E_UNAUTHORIZED', 'missing API key (X-API-Key header or ?key=)');
    const d = digest(given);
    if (!accepted.some((k) => timingSafeEqual(k, d))) throw new FakescopeError('E_UNAUTHORIZED', 'invalid API key');
  };
}
