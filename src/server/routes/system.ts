import type { FastifyInstance } from 'fastify';
import { ConfigSchema } from '../../config/schema.js';
import { VERSION } from '../../version.js';
import type { AnalysisManager } from '../analyses.js';
import type { Metrics } from '../metrics.js';
import type { OpenApiCollector } from '../openapi.js';
import type { AnalysisStore } from '../store.js';
import { ReportSchema } from '../../pipeline/report-schema.js';
import { SummaryDoc } from '../report-doc.js';
import * as wire from '../wire.js';

/** What /api/health answers: an HTTP status (200, or 503 when a dependency is gone) and a body. */
export type HealthCheck = () => Promise<{ readonly statusCode: number; readonly body: Readonly<Record<string, unknown>> }>;

/**
 * The single-process server's health: `status` is "degraded" while records are quarantined or
 * the disk is below server.minFreeBytes; it answers 200 either way (health is liveness, not a
 * verdict on the data).
 */
export function localHealth(deps: { manager: AnalysisManager; store: AnalysisStore; minFreeBytes: number }): HealthCheck {
  return async () => {
    const freeBytes = deps.store.freeBytes();
    const lowDisk = freeBytes !== null && deps.minFreeBytes > 0 && freeBytes < deps.minFreeBytes;
    const quarantined = deps.store.quarantined;
    return {
      statusCode: 200,
      body: {
        status: quarantined.length > 0 || lowDisk ? 'degraded' : 'ok',
        version: VERSION,
        activeAnalyses: deps.manager.activeCount,
        store: { freeBytes, lowDisk, quarantined: quarantined.map((q) => ({ name: q.name, reason: q.reason })) },
      },
    };
  };
}

/** Health, Prometheus metrics, the OpenAPI document and the config schema. */
export function systemRoutes(app: FastifyInstance, deps: { metrics: Metrics; openapi: OpenApiCollector; health: HealthCheck }): void {
  app.get('/api/health', { schema: { summary: 'Liveness, load and the reachability of what the node depends on (503 with the reason when one is gone)' } }, async (_req, reply) => {
    const { statusCode, body } = await deps.health();
    return reply.code(statusCode).send(body);
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
      Report: ReportSchema,
      Summary: SummaryDoc,
    }),
  );
}
