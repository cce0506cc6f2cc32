/**
 * Prometheus metrics, text exposition format 0.0.4, without a client library: counters, gauges
 * and fixed-bucket histograms keyed by label values. One `Metrics` per server (no global
 * registry), rendered at GET /api/metrics.
 */
type Labels = Readonly<Record<string, string>>;

const key = (labels: Labels) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
    .join(',');

class Family {
  readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  set(labels: Labels, v: number): void {
    this.values.set(key(labels), v);
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines;
  }
}

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}
  observe(labels: Labels, v: number): void {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    this.buckets.forEach((b, i) => {
      if (v <= b) (s.counts[i] as number)++;
    });
    s.sum += v;
    s.count++;
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const sep = k ? `${k},` : '';
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{${sep}le="${b}"} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k ? `{${k}}` : ''} ${s.sum}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ''} ${s.count}`);
    }
    return lines;
  }
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class Metrics {
  readonly activeAnalyses = new Family('fakescope_active_analyses', 'Analyses running now.', 'gauge');
  readonly frames = new Family('fakescope_frames_total', 'Frames through each stage (ingest: decoded, pipeline: analysed, feed: sent as WS frame messages).', 'counter');
  readonly drops = new Family('fakescope_dropped_total', 'Items dropped per stage (ingest: live frames lost in latest-wins slots; overlay: overlays skipped or dropped for slow clients).', 'counter');
  readonly fps = new Family('fakescope_analysis_fps', 'Analysed frames per second over the last few seconds, per analysis.', 'gauge');
  readonly clients = new Family('fakescope_ws_clients', 'Open WebSocket feed clients.', 'gauge');
  readonly alerts = new Family('fakescope_alerts_total', 'Epistemic-spike alert events by phase.', 'counter');
  readonly webhooks = new Family('fakescope_webhook_deliveries_total', 'Webhook deliveries by outcome (ok, retry, failed, dropped).', 'counter');
  readonly stageSeconds = new Histogram('fakescope_stage_seconds', 'Per-frame time in each pipeline stage (faces, detectors).', LATENCY_BUCKETS);
  readonly feedLatency = new Histogram(
    'fakescope_frame_latency_seconds',
    'From the start of a frame\'s analysis to its WS frame message being handed to the sockets.',
    LATENCY_BUCKETS,
  );

  render(): string {
    const parts = [this.activeAnalyses, this.frames, this.drops, this.fps, this.clients, this.alerts, this.webhooks, this.stageSeconds, this.feedLatency];
    return `${parts.flatMap((p) => p.render()).join('\n')}\n`;
  }
}
