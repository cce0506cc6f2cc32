import type { FastifyInstance } from 'fastify';
import { ConfigSchema } from '../../config.js';
import { VERSION } from '../../version.js';
import type { AnalysisManager } from '../analyses.js';
import type { Metrics } from '../metrics.js';
import type { OpenApiCollector } from '../openapi.js';
import type { AnalysisStore } from '../store.js';
import { ReportDoc } from '../report-doc.js';
import * as wire from '../wire.js';

/** Health, Prometheus metrics, the OpenAPI document and the config schema. */
export function systemRoutes(app: FastifyInstance, deps: { manager: AnalysisManager; metrics: Metrics; openapi: OpenApiCollector; store: AnalysisStore; minFreeBytes: number }): void {
  // `status` is "degraded" while records are quarantined or the disk is below server.minFreeBytes;
  // the server answers either way (health is liveness, not a verdict on the data).
  app.get('/api/health', { schema: { summary: 'Liveness, load and the state of the store' } }, async () => {
    const freeBytes = deps.store.freeBytes();
    const lowDisk = freeBytes !== null && deps.minFreeBytes > 0 && freeBytes < deps.minFreeBytes;
    const quarantined = deps.store.quarantined;
    return {
      status: quarantined.length > 0 || lowDisk ? 'degraded' : 'ok',
      version: VERSION,
      activeAnalyses: deps.manager.activeCount,
      store: { freeBytes, lowDisk, quarantined: quarantined.map((q) => ({ name: q.name, reason: q.reason })) },
    };
  });
  app.get('/api/metrics', { schema: { summary: 'Prometheus metrics (text format 0.0.4)', produces: ['text/plain'] } }, async (_req, reply) =>
    reply.type(deps.metrics.contentType).send(await deps.metrics.render()),
  );
  app.get('/api/config/schema', { schema: { summary: 'JSON schema of the configuration' } }, async () => ConfigSchema);
  app.get('/api/openapi.json', { schema: { summary: 'This document' } }, async () =>
    deps.openapi.document({
      AnalysisInfo: wire.AnalysisInfo,
      AlertWire: wire.AlertWire,
      ServerMsg: wire.ServerMsg,
      ClientMsg: wire.ClientMsg,
      ErrorBody: wire.ErrorBody,
      Report: ReportDoc,
    }),
  );
}
