import client from 'prom-client';

/**
 * Prometheus metrics through prom-client, rendered at GET /api/metrics. Each server owns its
 * registry (no global registry), so two servers in one process never share series. Per-analysis
 * series are removed when the analysis ends (`forgetAnalysis`), so a long-running server does not
 * accumulate them.
 *
 * The standard process and Node.js runtime metrics (prom-client's default collectors) belong to
 * the process, not to a server: their collectors start samplers (event-loop delay, GC observer)
 * that prom-client cannot stop, so they are registered once per process in their own registry and
 * merged into each server's exposition.
 */
let processRegistry: client.Registry | undefined;

function processMetrics(): client.Registry {
  if (!processRegistry) {
    processRegistry = new client.Registry();
    client.collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class Metrics {
  readonly registry = new client.Registry();
  readonly activeAnalyses = new client.Gauge({ name: 'fakescope_active_analyses', help: 'Analyses running now.', registers: [this.registry] });
  readonly frames = new client.Counter({
    name: 'fakescope_frames_total',
    help: 'Frames through each stage (ingest: decoded, pipeline: analysed, feed: sent as WS frame messages).',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });
  readonly drops = new client.Counter({
    name: 'fakescope_dropped_total',
    help: 'Items dropped per stage (ingest: live frames lost in latest-wins slots; overlay: overlays skipped or dropped for slow clients).',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });
  readonly fps = new client.Gauge({
    name: 'fakescope_analysis_fps',
    help: 'Analysed frames per second over the last few seconds, per analysis.',
    labelNames: ['analysis'] as const,
    registers: [this.registry],
  });
  readonly clients = new client.Gauge({ name: 'fakescope_ws_clients', help: 'Open WebSocket feed clients.', registers: [this.registry] });
  readonly alerts = new client.Counter({ name: 'fakescope_alerts_total', help: 'Epistemic-spike alert events by phase.', labelNames: ['phase'] as const, registers: [this.registry] });
  readonly webhooks = new client.Counter({
    name: 'fakescope_webhook_deliveries_total',
    help: 'Webhook deliveries by outcome (ok, retry, failed, dropped).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly stageSeconds = new client.Histogram({
    name: 'fakescope_stage_seconds',
    help: 'Per-frame time in each pipeline stage (faces, detectors).',
    labelNames: ['stage'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly feedLatency = new client.Histogram({
    name: 'fakescope_frame_latency_seconds',
    help: "From the start of a frame's analysis to its WS frame message being handed to the sockets.",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** An analysis ended: its per-analysis series go. */
  forgetAnalysis(id: string): void {
    this.fps.remove({ analysis: id });
  }

  /** The server closed: its series go (the process metrics stay with the process). */
  close(): void {
    this.registry.clear();
  }

  /** The exposition (text format 0.0.4): this server's series, then the process's. */
  async render(): Promise<string> {
    return client.Registry.merge([this.registry, processMetrics()]).metrics();
  }

  readonly contentType = client.Registry.PROMETHEUS_CONTENT_TYPE;
}
