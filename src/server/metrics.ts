import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Prometheus metrics, text exposition format 0.0.4, without a client library: counters, gauges
 * and fixed-bucket histograms keyed by label values, plus the standard process and Node.js
 * runtime metrics under the names prom-client's default collectors use. One `Metrics` per server
 * (no global registry), rendered at GET /api/metrics. Per-analysis series are removed when the
 * analysis ends (`forgetAnalysis`), so a long-running server does not accumulate them.
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
  /** Drops a labelled series (a finished analysis must not linger in the exposition). */
  remove(labels: Labels): void {
    this.values.delete(key(labels));
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

  private readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });

  constructor() {
    this.loopDelay.enable();
  }

  /** An analysis ended: its per-analysis series go. */
  forgetAnalysis(id: string): void {
    this.fps.remove({ analysis: id });
  }

  /** Stops the event-loop sampler (server close). */
  close(): void {
    this.loopDelay.disable();
  }

  render(): string {
    const parts = [this.activeAnalyses, this.frames, this.drops, this.fps, this.clients, this.alerts, this.webhooks, this.stageSeconds, this.feedLatency];
    return `${[...parts.flatMap((p) => p.render()), ...processMetrics(this.loopDelay)].join('\n')}\n`;
  }
}

const START_SECONDS = Math.round(Date.now() / 1000 - process.uptime());

/** The process/runtime metrics of prom-client's default collectors (same names and meanings). */
function processMetrics(loop: { mean: number; max: number; percentile(p: number): number }): string[] {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  const g = (name: string, help: string, type: 'gauge' | 'counter', v: number) => [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${Number.isFinite(v) ? v : 0}`];
  return [
    ...g('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.', 'counter', cpu.user / 1e6),
    ...g('process_cpu_system_seconds_total', 'Total system CPU time spent in seconds.', 'counter', cpu.system / 1e6),
    ...g('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', 'counter', (cpu.user + cpu.system) / 1e6),
    ...g('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge', mem.rss),
    ...g('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', 'gauge', START_SECONDS),
    ...g('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', 'gauge', mem.heapTotal),
    ...g('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', 'gauge', mem.heapUsed),
    ...g('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', 'gauge', mem.external),
    ...g('nodejs_eventloop_lag_mean_seconds', 'The mean of the recorded event loop delays.', 'gauge', loop.mean / 1e9),
    ...g('nodejs_eventloop_lag_max_seconds', 'The maximum recorded event loop delay.', 'gauge', loop.max / 1e9),
    ...g('nodejs_eventloop_lag_p99_seconds', 'The 99th percentile of the recorded event loop delays.', 'gauge', loop.percentile(99) / 1e9),
    ...g('nodejs_version_info', `Node.js version info (${process.version}).`, 'gauge', 1),
  ];
}
