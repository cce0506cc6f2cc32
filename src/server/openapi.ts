import { STATUS_CODES } from 'node:http';
import type { RouteOptions } from 'fastify';
import { VERSION } from '../version.js';
import { PUBLIC_API } from './auth.js';

/** Every error answer has the one error body (wire.ts `ErrorBody`). */
const ERROR_REF = { $ref: '#/components/schemas/ErrorBody' };

interface RouteDoc {
  readonly method: string;
  readonly url: string;
  readonly schema?: Record<string, unknown>;
  readonly websocket: boolean;
}

/**
 * Builds the OpenAPI 3.1 document from the routes as fastify registers them (their JSON schemas
 * come from wire.ts), so the document cannot drift from the code. WebSocket routes are listed
 * with `x-websocket: true`; their messages are described by the `ServerMsg`/`ClientMsg` schemas.
 * Every operation lists what it can answer: its own response schemas, plus 401 (API key) on
 * every route that is not public (`security: []` marks those), 500 with the error body, and the
 * content type of responses that are not JSON (`produces`).
 */
export class OpenApiCollector {
  private readonly routes: RouteDoc[] = [];

  onRoute = (r: RouteOptions & { websocket?: boolean }): void => {
    if (!r.url.startsWith('/api/')) return;
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD');
    for (const method of methods) {
      this.routes.push({ method: method.toLowerCase(), url: r.url, ...(r.schema ? { schema: r.schema as Record<string, unknown> } : {}), websocket: r.websocket === true });
    }
  };

  document(components: Record<string, unknown>): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const s = r.schema ?? {};
      const params = [
        ...Object.keys(((s.params as { properties?: object } | undefined)?.properties ?? {}) as object).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
        ...Object.entries(((s.querystring as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({ name, in: 'query', schema })),
      ];
      const isPublic = PUBLIC_API.has(r.url);
      const declared = { ...((s.response as Record<string, unknown> | undefined) ?? {}), ...((s.documents as Record<string, unknown> | undefined) ?? {}) };
      const okCodes = Object.keys(declared).filter((c) => c.startsWith('2'));
      const produces = (s.produces as string[] | undefined) ?? ['application/json'];
      const all: Record<string, unknown> = {
        ...(okCodes.length || r.websocket ? {} : { 200: null }),
        ...declared,
        ...(isPublic ? {} : { 401: ERROR_REF }),
        500: ERROR_REF,
      };
      if (r.websocket) all['101'] = null;
      const responses = Object.fromEntries(
        Object.entries(all).map(([code, schema]) => {
          const description = STATUS_CODES[Number(code)] ?? code;
          if (code === '101') return [code, { description: 'Switching Protocols: the WebSocket feed (ServerMsg / ClientMsg)' }];
          const error = code.startsWith('4') || code.startsWith('5');
          const types = error ? ['application/json'] : produces;
          return [code, { description, content: Object.fromEntries(types.map((t) => [t, schema === null || t !== 'application/json' ? {} : { schema: error ? ERROR_REF : schema }])) }];
        }),
      );
      paths[path] ??= {};
      (paths[path] as Record<string, unknown>)[r.method] = {
        ...(s.summary ? { summary: s.summary } : {}),
        ...(params.length ? { parameters: params } : {}),
        ...(s.body ? { requestBody: { content: { 'application/json': { schema: s.body } } } } : {}),
        ...(s.consumes ? { requestBody: { content: Object.fromEntries((s.consumes as string[]).map((c) => [c, {}])) } } : {}),
        responses,
        ...(isPublic ? { security: [] } : {}),
        ...(r.websocket ? { 'x-websocket': true } : {}),
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: 'fakescope live server', version: VERSION },
      components: { schemas: components, securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } },
      security: [{ apiKey: [] }],
      paths,
    };
  }
}

declare module 'fastify' {
  interface FastifySchema {
    /** One line for the OpenAPI document. */
    summary?: string;
    consumes?: string[];
    /** Content types of the success response when it is not (only) JSON. */
    produces?: string[];
    /** Response schemas for the document only (not used to serialize: e.g. a report streamed from disk). */
    documents?: Record<string, unknown>;
  }
}
