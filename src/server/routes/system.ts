import type { FastifyInstance } from 'fastify';
import { ConfigSchema } from '../../config.js';
import { VERSION } from '../../version.js';
import type { AnalysisManager } from '../analyses.js';
import type { Metrics } from '../metrics.js';
import type { OpenApiCollector } from '../openapi.js';
import { ReportDoc } from '../report-doc.js';
import * as wire from '../wire.js';

/** Health, Prometheus metrics, the OpenAPI document and the config schema. */
export function systemRoutes(app: FastifyInstance, deps: { manager: AnalysisManager; metrics: Metrics; openapi: OpenApiCollector }): void {
  app.get('/api/health', { schema: { summary: 'Liveness and load' } }, async () => ({ status: 'ok', version: VERSION, activeAnalyses: deps.manager.activeCount }));
  app.get('/api/metrics', { schema: { summary: 'Prometheus metrics (text format 0.0.4)', produces: ['text/plain'] } }, async (_req, reply) =>
    reply.type('text/plain; version=0.0.4').send(deps.metrics.render()),
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
