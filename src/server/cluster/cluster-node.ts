import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import type { Config } from '../../config/schema.js';
import { buildHttp } from '../http-app.js';
import { Metrics } from '../metrics.js';
import { OpenApiCollector } from '../openapi.js';
import type { AnalysisFiles } from '../routes/analyses.js';
import { analysesRoutes } from '../routes/analyses.js';
import { feedRoutes } from '../routes/feed.js';
import { systemRoutes } from '../routes/system.js';
import { webRoot } from '../server.js';
import type { Resolver } from '../url-policy.js';
import { CLOSE, WIRE_VERSION } from '../wire.js';
import { ClusterManager } from './cluster-manager.js';
import { ClusterMetrics } from './cluster-metrics.js';
import { clusterHealth } from './health.js';
import { clusterKeys, QUEUE_NAME } from './keys.js';
import { PostgresStore } from './postgres-store.js';
import { redisConnection, redisReady } from './redis.js';
import { SharedDir } from './shared-dir.js';
import { StreamFeeds } from './stream-feed.js';
import { WorkerNode } from './worker-node.js';

export interface ClusterUrls {
  readonly redis: string;
  readonly database: string;
}

export interface ClusterNode {
  readonly http: FastifyInstance;
  readonly metrics: Metrics;
  /** Listens on `server.host`:`server.port`; resolves to the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * An API node (`fakescope serve --redis … --database …`), built in order: the PostgreSQL store
 * (migrated), Redis (checked), the queue, the shared directory, then fastify with the same routes
 * as the single-process server over the cluster's manager, files and Redis feeds. It analyses
 * nothing and holds no state of its own: any number of them can serve the same cluster.
 */
/**
 * What every node opens first: the PostgreSQL store and two Redis connections (commands, and one
 * for BullMQ), with Redis answering within 2 × healthTimeoutMs; on failure nothing stays open.
 */
async function connect(urls: ClusterUrls, role: 'api' | 'worker', healthTimeoutMs: number): Promise<{ store: PostgresStore; redis: ReturnType<typeof redisConnection>; bull: ReturnType<typeof redisConnection> }> {
  const store = await PostgresStore.open(urls.database);
  const redis = redisConnection(urls.redis, { name: `fakescope-${role}` });
  const bull = redisConnection(urls.redis, { forBullmq: true, name: `fakescope-${role}-queue` });
  try {
    await redisReady(redis, urls.redis, healthTimeoutMs * 2);
  } catch (e) {
    redis.disconnect();
    bull.disconnect();
    await store.close();
    throw e;
  }
  return { store, redis, bull };
}

export async function createApiNode(opts: { config: Config; urls: ClusterUrls; detectors: readonly string[]; logger?: boolean; resolver?: Resolver; name?: string }): Promise<ClusterNode> {
  const { config } = opts;
  const sc = config.server;
  const cc = sc.cluster;
  const keys = clusterKeys(cc.prefix);
  const { store, redis, bull } = await connect(opts.urls, 'api', cc.healthTimeoutMs);
  const queue = new Queue(QUEUE_NAME, { connection: bull, prefix: keys.prefix });
  queue.on('error', () => undefined);
  const files = new SharedDir(resolve(sc.dataDir));
  const manager = new ClusterManager({ store, files, queue, redis, keys, detectors: opts.detectors, waitMs: cc.healthTimeoutMs * 2 });
  const feeds = new StreamFeeds({ config, store, redis, keys });
  const metrics = new Metrics();
  new ClusterMetrics(metrics, queue);
  const openapi = new OpenApiCollector();
  const http = await buildHttp(sc, openapi, opts.logger === true);
  const routeFiles: AnalysisFiles = {
    reportPath: (id) => files.reportPath(id, store),
    framesPath: (id) => files.framesPath(id),
    uploadPath: (id) => files.uploadPath(id),
    removeUpload: (id) => files.removeUpload(id),
    alerts: (id) => store.alerts(id),
    thumbnails: (id) => files.thumbnails(id),
    freeBytes: () => files.freeBytes(),
  };
  analysesRoutes(http, { config, manager, store: routeFiles, proxyEnv: async () => null, ...(opts.resolver ? { resolver: opts.resolver } : {}) });
  feedRoutes(http, { config, manager, feed: (id) => feeds.open(id) });
  http.get('/api/webcam', { websocket: true, schema: { summary: 'Not on cluster API nodes: the webcam is analysed by the single-process server' } }, (socket) => {
    socket.send(JSON.stringify({ v: WIRE_VERSION, type: 'error', code: 'E_BAD_REQUEST', message: 'the webcam is analysed by the single-process server only (fakescope serve without --redis)' }));
    socket.close(CLOSE.badMessage, 'webcam not available in cluster mode');
  });
  const name = opts.name ?? `api:${process.pid}`;
  systemRoutes(http, { metrics, openapi, health: clusterHealth({ role: 'api', name, redis, store, timeoutMs: cc.healthTimeoutMs }) });
  await http.register(fastifyStatic, { root: webRoot(), prefix: '/', index: ['index.html'] });

  let closed = false;
  return {
    http,
    metrics,
    listen: () => http.listen({ host: sc.host, port: sc.port }),
    async close() {
      if (closed) return;
      closed = true;
      feeds.close();
      await http.close();
      await queue.close().catch(() => undefined);
      redis.disconnect();
      bull.disconnect();
      files.close();
      await store.close();
      metrics.close();
    },
  };
}

/**
 * A worker (`fakescope worker --redis … --database … [--concurrency N]`): the same store, Redis
 * and shared directory, the app's analyses taken from the queue, and a small HTTP listener of its
 * own for /api/health and /api/metrics (`server.host`:`server.port`).
 */
export async function createWorkerNode(opts: { config: Config; app: App; urls: ClusterUrls; concurrency: number; logger?: boolean; name?: string }): Promise<ClusterNode & { readonly worker: WorkerNode }> {
  const { config } = opts;
  const sc = config.server;
  const cc = sc.cluster;
  const keys = clusterKeys(cc.prefix);
  const { store, redis, bull } = await connect(opts.urls, 'worker', cc.healthTimeoutMs);
  const files = new SharedDir(resolve(sc.dataDir));
  const metrics = new Metrics();
  const worker = new WorkerNode({ config, app: opts.app, store, files, keys, redis, bullmq: bull, metrics, concurrency: opts.concurrency, ...(opts.name ? { name: opts.name } : {}) });
  const openapi = new OpenApiCollector();
  const http = await buildHttp(sc, openapi, opts.logger === true);
  systemRoutes(http, {
    metrics,
    openapi,
    health: clusterHealth({ role: 'worker', name: worker.name, redis, store, timeoutMs: cc.healthTimeoutMs, extra: () => ({ activeAnalyses: worker.activeCount, analyses: worker.analyses, concurrency: opts.concurrency }) }),
  });
  await worker.start();

  let closed = false;
  return {
    http,
    metrics,
    worker,
    listen: () => http.listen({ host: sc.host, port: sc.port }),
    async close() {
      if (closed) return;
      closed = true;
      await worker.close();
      await http.close();
      redis.disconnect();
      bull.disconnect();
      files.close();
      await store.close();
      metrics.close();
    },
  };
}
