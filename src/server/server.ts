import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { AnalysisManager } from './analyses.js';
import { Metrics } from './metrics.js';
import { buildHttp } from './http-app.js';
import { OpenApiCollector } from './openapi.js';
import { PolicyProxy } from './policy-proxy.js';
import { analysesRoutes } from './routes/analyses.js';
import { feedRoutes } from './routes/feed.js';
import { localHealth, systemRoutes } from './routes/system.js';
import { webcamRoutes } from './routes/webcam.js';
import { AnalysisStore } from './store.js';
import type { Resolver } from './url-policy.js';
import { WebhookDispatcher } from './webhooks.js';

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

  const http = await buildHttp(sc, openapi, options.logger === true);

  analysesRoutes(http, { config, manager, store, proxyEnv, ...(options.resolver ? { resolver: options.resolver } : {}) });
  feedRoutes(http, { config, manager, feed: (id) => manager.live(id) });
  webcamRoutes(http, { config, manager });
  systemRoutes(http, { metrics, openapi, health: localHealth({ manager, store, minFreeBytes: sc.minFreeBytes }) });
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
export function webRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'web'), join(here, '..', '..', '..', 'web')];
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? (candidates[0] as string);
}
