import fastifyMultipart from '@fastify/multipart';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import { describeError, isFakescopeError } from '../errors.js';
import { apiKeyHook } from './auth.js';
import { httpStatus } from './http-errors.js';
import type { OpenApiCollector } from './openapi.js';
import { maskKeyParam } from './redact.js';

/** What a 503 tells a client to wait, seconds (analyses last seconds to minutes). */
const RETRY_AFTER_S = 10;

/**
 * The fastify instance every node serves from (single-process server, cluster API node): plugins,
 * the API-key hook, coded errors as `{code, message}` with their HTTP status, 404s in the same
 * shape. Routes are added by the caller.
 */
export async function buildHttp(sc: Config['server'], openapi: OpenApiCollector, withLogger: boolean): Promise<FastifyInstance> {
  // Unknown body fields are refused, not silently stripped (fastify's default removes them).
  // Request logs never show API keys passed as ?key= (WebSockets, download links).
  const logger = withLogger ? { serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: maskKeyParam(req.url) }) } } : false;
  const http = Fastify({ logger, bodyLimit: 64 * 1024, forceCloseConnections: true, ajv: { customOptions: { removeAdditional: false } } });
  http.addHook('onRoute', openapi.onRoute);
  await http.register(fastifyWebsocket, { options: { maxPayload: 4 * 1024 * 1024 } });
  await http.register(fastifyMultipart, { limits: { fileSize: sc.upload.maxBytes, files: 1, fields: 4, parts: 5 } });
  http.addHook('onRequest', apiKeyHook(sc.apiKeys));
  http.setErrorHandler((error, req, reply) => {
    if (isFakescopeError(error)) {
      if (httpStatus(error.code) === 503) reply.header('retry-after', String(RETRY_AFTER_S));
      return reply.code(httpStatus(error.code)).send({ code: error.code, message: error.message });
    }
    const e = error as { validation?: unknown; statusCode?: number; code?: string };
    if (e.validation || (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)) {
      return reply.code(e.statusCode ?? 400).send({ code: e.code === 'FST_REQ_FILE_TOO_LARGE' ? 'E_TOO_LARGE' : 'E_BAD_REQUEST', message: describeError(error) });
    }
    req.log.error(error);
    return reply.code(500).send({ code: 'E_INTERNAL', message: describeError(error) });
  });
  http.setNotFoundHandler((req, reply) => reply.code(404).send({ code: 'E_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }));
  return http;
}
