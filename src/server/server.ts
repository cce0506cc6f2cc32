import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { describeError, isFakescopeError } from '../errors.js';
import { AnalysisManager } from './analyses.js';
import { apiKeyHook } from './auth.js';
import { httpStatus } from './http-errors.js';
import { Metrics } from './metrics.js';
import { OpenApiCollector } from './openapi.js';
import { PolicyProxy } from './policy-proxy.js';
import { maskKeyParam } from './redact.js';
import { analysesRoutes } from './routes/analyses.js';
import { feedRoutes } from './routes/feed.js';
import { systemRoutes } from './routes/system.js';
import { webcamRoutes } from './routes/webcam.js';
import { AnalysisStore } from './store.js';
import type { Resolver } from './url-policy.js';
import { WebhookDispatcher } from './webhooks.js';

/** What a 503 E_BUSY tells a client to wait, seconds (analyses last seconds to minutes). */
const RETRY_AFTER_S = 10;

export interface ServerOptions {
  /** The composition root's app (config included); the server owns neither its start nor stop. */
  readonly app: App;
  readonly logger?: boolean;
  /** DNS resolver for the URL policy (tests). */
  readonly resolver?: Resolver;
}

export interface LiveServer {
  readonly http: FastifyInstance;
  readonly manager: AnalysisManager;
  readonly metrics: Metrics;
  readonly webhooks: WebhookDispatcher;
  /** Listens on `server.host`:`server.port`; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops every analysis (reports stored), closes sockets and the listener. */
  close(): Promise<void>;
}

/**
 * The live server, built in order from the app's config: store (loads and marks interrupted
 * analyses), metrics, webhooks, the analysis manager, then fastify with its plugins, the API-key
 * hook and the routes. `http.inject()` works without listening.
 */
export async function createServer(options: ServerOptions): Promise<LiveServer> {
  const { app } = options;
  const config = app.config;
  const sc = config.server;
  const store = new AnalysisStore(resolve(sc.dataDir));
  const metrics = new Metrics();
  const webhooks = new WebhookDispatcher({ ...sc.webhooks, onOutcome: (outcome) => metrics.webhooks.inc({ outcome }) });
  const manager = new AnalysisManager({ config, app, store, metrics, webhooks });
  const openapi = new OpenApiCollector();
  // ffmpeg's HTTP for client URLs goes through the policy proxy (redirects, segments, pinning).
  const proxy = sc.urls.allowPrivateAddresses ? null : new PolicyProxy(sc.urls, options.resolver);
  const proxyEnv = async () => (proxy ? proxy.env() : null);

  // Unknown body fields are refused, not silently stripped (fastify's default removes them).
  // Request logs never show API keys passed as ?key= (WebSockets, download links).
  const logger = options.logger
    ? { serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: maskKeyParam(req.url) }) } }
    : false;
  const http = Fastify({ logger, bodyLimit: 64 * 1024, forceCloseConnections: true, ajv: { customOptions: { removeAdditional: false } } });
  http.addHook('onRoute', openapi.onRoute);
  await http.register(fastifyWebsocket, { options: { maxPayload: 4 * 1024 * 1024 } });
  await http.register(fastifyMultipart, { limits: { fileSize: sc.upload.maxBytes, files: 1, fields: 4, parts: 5 } });
  http.addHook('onRequest', apiKeyHook(sc.apiKeys));
  http.setErrorHandler((error, req, reply) => {
    if (isFakescopeError(error)) {
      if (error.code === 'E_BUSY') reply.header('retry-after', String(RETRY_AFTER_S));
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

  analysesRoutes(http, { config, manager, store, proxyEnv, ...(options.resolver ? { resolver: options.resolver } : {}) });
  feedRoutes(http, { config, manager });
  webcamRoutes(http, { config, manager });
  systemRoutes(http, { manager, metrics, openapi, store, minFreeBytes: sc.minFreeBytes });
  await http.register(fastifyStatic, { root: webRoot(), prefix: '/', index: ['index.html'] });

  let closed = false;
  return {
    http,
    manager,
    metrics,
    webhooks,
    async listen() {
      return http.listen({ host: sc.host, port: sc.port });
    },
    async close() {
      if (closed) return;
      closed = true;
      await manager.close();
      webhooks.close();
      store.close();
      await proxy?.close();
      metrics.close();
      await http.close();
    },
  };
}

/** `web/` of the package, from src/server (tests) or dist/src/server (built). */
function webRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'web'), join(here, '..', '..', '..', 'web')];
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? (candidates[0] as string);
}
