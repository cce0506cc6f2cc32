import type { Queue } from 'bullmq';
import client from 'prom-client';
import type { Metrics } from '../metrics.js';

/**
 * A cluster node's own series, in its Metrics registry (every node exports its own; Prometheus
 * sums them): the queue's depth (read from Redis at scrape time, the same on every node), jobs
 * this node saw complete, fail, stall, retry or take over, and on a worker its active jobs and
 * the frames per second of all its analyses together (drops are `fakescope_dropped_total`).
 */
export class ClusterMetrics {
  readonly jobs: client.Counter<'event'>;
  readonly activeJobs: client.Gauge;
  readonly workerFps: client.Gauge;
  readonly queueJobs: client.Gauge<'state'>;
  readonly feedErrors: client.Counter;

  constructor(metrics: Metrics, queue: Queue | null) {
    const registers = [metrics.registry];
    this.jobs = new client.Counter({
      name: 'fakescope_jobs_total',
      help: 'Analysis jobs by event seen by this node: completed, failed, stalled (its worker presumed dead), retried, takeover (this worker picked up a job cut off by another).',
      labelNames: ['event'] as const,
      registers,
    });
    this.activeJobs = new client.Gauge({ name: 'fakescope_worker_active_jobs', help: 'Analyses this worker runs now.', registers });
    this.workerFps = new client.Gauge({
      name: 'fakescope_worker_fps',
      help: 'Frames per second analysed by this worker, all its analyses together (last few seconds).',
      registers,
      async collect() {
        const perAnalysis = await metrics.fps.get();
        this.set(perAnalysis.values.reduce((sum, v) => sum + v.value, 0));
      },
    });
    this.feedErrors = new client.Counter({ name: 'fakescope_feed_stream_errors_total', help: 'Feed messages that could not be written to or read from Redis.', registers });
    this.queueJobs = new client.Gauge({
      name: 'fakescope_queue_jobs',
      help: 'Jobs in the analysis queue by state (waiting, active, delayed, failed, completed), read from Redis when scraped.',
      labelNames: ['state'] as const,
      registers,
      async collect() {
        if (!queue) return;
        try {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
          for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
        } catch {
          this.reset(); // Redis gone: no numbers rather than stale ones (/api/health says why)
        }
      },
    });
    for (const event of ['completed', 'failed', 'stalled', 'retried', 'takeover']) this.jobs.inc({ event }, 0);
  }
}
