import { hostname } from 'node:os';
import type { Job } from 'bullmq';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Subject } from 'rxjs';
import type { App } from '../../app.js';
import type { Config } from '../../config/schema.js';
import { describeError, isFakescopeError } from '../../errors.js';
import type { SourceGap } from '../../ingest/reconnect.js';
import { uploadGuard, urlGuard } from '../input-guards.js';
import { LiveAnalysis, uploadLimit } from '../live-analysis.js';
import type { Metrics } from '../metrics.js';
import { PolicyProxy } from '../policy-proxy.js';
import type { Store } from '../store-contract.js';
import { WebhookDispatcher } from '../webhooks.js';
import type { AnalysisInfo, ReplayableMsg, SourceGapMsg } from '../wire.js';
import { WIRE_VERSION } from '../wire.js';
import { ClusterMetrics } from './cluster-metrics.js';
import { FeedStreamWriter, lastSeq, readNewest } from './feed-stream.js';
import type { AnalysisJob } from './jobs.js';
import { FINAL_STATUSES, parseControl, parseJob } from './jobs.js';
import type { ClusterKeys } from './keys.js';
import { QUEUE_NAME } from './keys.js';
import type { SharedDir } from './shared-dir.js';
import type { ClusterNote } from './worker-sink.js';
import { WorkerSink } from './worker-sink.js';

export interface WorkerNodeDeps {
  readonly config: Config;
  readonly app: App;
  readonly store: Store;
  readonly files: SharedDir;
  readonly keys: ClusterKeys;
  /** Commands (feeds, stop keys); BullMQ gets `bullmq`, the control channel a duplicate. */
  readonly redis: Redis;
  readonly bullmq: Redis;
  readonly metrics: Metrics;
  readonly concurrency: number;
  readonly name?: string;
}

/**
 * A cluster worker: takes analysis jobs from the BullMQ queue, at most `concurrency` at once, and
 * runs each as the single-process server would (LiveAnalysis over the shared App), writing records
 * to the Store, payloads to the shared directory and feed messages to the analysis' Redis stream.
 *
 * Takeover: a worker that dies stops renewing its jobs' locks; after `cluster.lockMs` another
 * worker's stalled-job check puts the job back in the queue and a worker picks it up. It finds
 * the record still `running` and takes over: an upload is analysed again from the beginning
 * (frames, checkpoint and alerts of the cut-off run are discarded, so the report equals the one
 * of an uninterrupted run); a live stream continues from where the new worker connects. Either
 * way the feed goes on after the last message in the stream with a `sourceGap` (start, then end
 * at the first new frame), and the report's `cluster.takeovers` records it.
 */
export class WorkerNode {
  readonly name: string;
  readonly jobMetrics: ClusterMetrics;
  private readonly running = new Map<string, { session: LiveAnalysis; sink: WorkerSink; writer: FeedStreamWriter }>();
  private readonly worker: Worker;
  private readonly control: Redis;
  private readonly webhooks: WebhookDispatcher;
  private readonly proxy: PolicyProxy | null;
  private closing = false;
  private readonly abandoned = new Set<string>();

  constructor(private readonly deps: WorkerNodeDeps) {
    const { config, metrics } = deps;
    const cc = config.server.cluster;
    this.name = deps.name ?? `${hostname()}:${process.pid}`;
    this.webhooks = new WebhookDispatcher({ ...config.server.webhooks, onOutcome: (outcome) => metrics.webhooks.inc({ outcome }) });
    this.proxy = config.server.urls.allowPrivateAddresses ? null : new PolicyProxy(config.server.urls);
    this.jobMetrics = new ClusterMetrics(metrics, null);
    this.worker = new Worker(QUEUE_NAME, (job: Job) => this.process(job), {
      connection: deps.bullmq,
      prefix: deps.keys.prefix,
      concurrency: deps.concurrency,
      lockDuration: cc.lockMs,
      stalledInterval: cc.stalledCheckMs,
      maxStalledCount: cc.maxTakeovers,
      autorun: false,
      name: this.name,
    });
    this.worker.on('error', () => undefined); // connection trouble: BullMQ retries; /api/health reports it
    this.worker.on('stalled', () => this.jobMetrics.jobs.inc({ event: 'stalled' }));
    // The lock of these jobs is no longer ours (it expired while Redis was out of reach, and the
    // job may already run elsewhere): stop writing for them at once, so two workers never write
    // one analysis; the job is then taken over as after a crash.
    this.worker.on('lockRenewalFailed', (ids) => {
      for (const id of ids) this.abandon(id);
    });
    this.worker.on('completed', () => this.jobMetrics.jobs.inc({ event: 'completed' }));
    this.worker.on('failed', (job, err) => {
      this.jobMetrics.jobs.inc({ event: 'failed' });
      // A job failed by the stalled check (too many dead workers) never ran its own bookkeeping.
      // Only when no attempt is left (BullMQ reports every failed attempt); never while leaving.
      const last = job && (job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than/.test(err.message));
      if (job && last && !this.closing) void this.markFailed(job, err);
    });
    this.control = deps.redis.duplicate();
    this.control.on('error', () => undefined);
    this.control.on('message', (_channel, text: string) => {
      const msg = parseControl(text);
      if (msg) this.running.get(msg.id)?.session.stop();
    });
  }

  /** Subscribes to stop requests and starts taking jobs. */
  async start(): Promise<void> {
    await this.control.subscribe(this.deps.keys.control);
    void this.worker.run().catch(() => undefined);
    await this.worker.waitUntilReady();
  }

  get activeCount(): number {
    return this.running.size;
  }

  /** Ids of the analyses this worker runs now. */
  get analyses(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Stops taking jobs and closes its connections without finishing the running analyses: their
   * locks lapse and other workers take them over, as after a crash (a live stream must not end
   * because one worker is redeployed).
   */
  async close(): Promise<void> {
    this.closing = true;
    await this.worker.close(true).catch(() => undefined);
    for (const id of [...this.running.keys()]) this.abandon(id);
    await this.control.quit().catch(() => undefined);
    this.webhooks.close();
    await this.proxy?.close();
  }

  /** Stops an analysis without finishing its record or feed (another worker takes it over). */
  private abandon(id: string): void {
    const r = this.running.get(id);
    if (!r) return;
    this.abandoned.add(id);
    r.sink.detach();
    r.writer.detach();
    r.session.stop();
  }

  private async process(job: Job): Promise<void> {
    const data = parseJob(job.data);
    if (typeof data === 'string') throw new UnrecoverableError(data);
    const { store, redis, keys, files, config } = this.deps;
    let info = await store.get(data.id);
    if (!info) throw new UnrecoverableError(`no record of analysis ${data.id} in the store`);
    if (FINAL_STATUSES.includes(info.status)) return; // a duplicate delivery of a finished job
    if ((await redis.exists(keys.stop(data.id))) === 1) {
      await store.saveInfo({ ...info, status: 'stopped', updatedAt: new Date().toISOString() });
      return;
    }
    const afterSeq = await lastSeq(redis, keys, data.id);
    // Started before (stalled: its worker died; or retried) or left running by a worker that died.
    const takenOver = job.attemptsStarted > 1 || job.attemptsMade > 0 || info.status === 'running';
    const mode = data.kind === 'upload' ? 'restart' : 'continue';
    let takeovers = data.takeovers ?? [];
    if (takenOver) {
      takeovers = [...takeovers, { at: new Date().toISOString(), by: this.name, afterSeq, mode }];
      await job.updateData({ ...data, takeovers } satisfies AnalysisJob);
      this.jobMetrics.jobs.inc({ event: 'takeover' });
      if (job.attemptsMade > 0) this.jobMetrics.jobs.inc({ event: 'retried' });
    }
    files.prepare(data.id);
    if (takenOver && mode === 'restart') {
      files.resetFrames(data.id);
      await store.clearAlerts(data.id);
      info = { ...info, frames: 0, alerts: 0 };
    }
    const writer = new FeedStreamWriter(redis, keys, data.id, config.server.cluster.feedMaxLen);
    const gapReason = takenOver ? `worker lost; ${mode === 'restart' ? 'analysed again from the beginning' : 'continued'} by ${this.name}` : '';
    const lastPts = takenOver ? await lastFramePts(redis, keys, data.id) : 0;
    let shift = afterSeq + 1;
    if (takenOver) {
      writer.add(shift, JSON.stringify(gapMsg(shift, 'start', lastPts, null, gapReason, takeovers.length)));
      shift++;
    }
    let gapOpen = takenOver;
    const publish = (msg: ReplayableMsg, payload?: string): void => {
      if (gapOpen && msg.type === 'frame') {
        gapOpen = false;
        writer.add(msg.seq + shift, JSON.stringify(gapMsg(msg.seq + shift, 'end', lastPts, msg.frame.ptsMs, gapReason, takeovers.length)));
        shift++;
      }
      const seq = msg.seq + shift;
      writer.add(seq, shift === 0 && payload ? payload : JSON.stringify({ ...msg, seq }));
    };
    const note = (): ClusterNote => ({ worker: this.name, takeovers });
    const sink = new WorkerSink(store, files, note, 30_000);
    try {
      await this.run(data, info, sink, writer, publish);
      // Left unfinished on purpose: failing the job (or letting its lock lapse) hands it on.
      if (this.closing || this.abandoned.delete(data.id)) throw new Error(`worker ${this.name} left the analysis before its end`);
    } finally {
      await sink.flush();
      await writer.end(config.server.cluster.feedTtlS);
      if (writer.failed > 0) this.jobMetrics.feedErrors.inc(writer.failed);
    }
  }

  /** Opens the input and runs the analysis to its end (stop, end of input, failure). */
  private async run(data: AnalysisJob, stored: AnalysisInfo, sink: WorkerSink, writer: FeedStreamWriter, publish: (m: ReplayableMsg, p?: string) => void): Promise<void> {
    const { app, config, files, redis, keys, metrics } = this.deps;
    const gaps = new Subject<SourceGap>();
    let analysis;
    try {
      const input = data.kind === 'upload' ? files.verifiedUpload(data.input) : data.input;
      const guard = data.kind === 'upload' ? uploadGuard(data.display) : urlGuard(data.display, this.proxy ? await this.proxy.env() : null);
      analysis = await app.analyze(input, {
        ...(data.kind === 'url' ? { reconnect: config.server.reconnect, onGap: (g: SourceGap) => gaps.next(g) } : {}),
        ...(data.live !== undefined ? { live: data.live } : {}),
        streamId: data.id,
        keepFrames: data.kind === 'upload',
        guard,
        ...(data.detectors ? { detectors: data.detectors } : {}),
      });
    } catch (e) {
      // The input could not be opened: the analysis failed (the job did its work; no retry).
      const error = { code: isFakescopeError(e) ? e.code : 'E_INTERNAL', message: describeError(e) };
      const info: AnalysisInfo = { ...stored, status: 'failed', error, updatedAt: new Date().toISOString() };
      sink.saveInfo(info);
      publish({ v: WIRE_VERSION, type: 'status', seq: 0, analysis: info });
      return;
    }
    const { info: media, width, height, live } = analysis.source;
    const info: AnalysisInfo = {
      ...stored,
      status: 'starting',
      updatedAt: new Date().toISOString(),
      error: null,
      media: { width, height, fps: media.fps, durationMs: media.durationMs, still: media.still },
      live,
    };
    await redis.set(keys.detectors(data.id), JSON.stringify(analysis.detectorNames)).catch(() => undefined);
    const limit = data.kind === 'upload' ? uploadLimit(config.server.upload.maxDurationS, media.fps) : null;
    // Overlays are droppable: published to whichever API nodes listen, the latest kept for new clients.
    const overlayKey = keys.overlay(data.id);
    const onOverlay = (payload: string): void => {
      redis
        .multi()
        .set(overlayKey, payload, 'EX', config.server.cluster.feedTtlS)
        .publish(overlayKey, payload)
        .exec()
        .catch(() => metrics.drops.inc({ stage: 'overlay' }));
    };
    const session = new LiveAnalysis(info, analysis, { config, store: sink, metrics, webhooks: this.webhooks, onPublish: publish, onOverlay }, limit, gaps);
    this.running.set(data.id, { session, sink, writer });
    this.jobMetrics.activeJobs.set(this.running.size);
    try {
      // A stop asked between the check in process() and now must not be missed.
      if ((await redis.exists(keys.stop(data.id))) === 1) session.stop();
      session.start();
      if ((await redis.exists(keys.stop(data.id))) === 1) session.stop();
      await session.finished();
    } finally {
      this.running.delete(data.id);
      this.jobMetrics.activeJobs.set(this.running.size);
    }
  }

  private async markFailed(job: Job, err: Error): Promise<void> {
    const data = parseJob(job.data);
    if (typeof data === 'string') return;
    try {
      const info = await this.deps.store.get(data.id);
      if (!info || FINAL_STATUSES.includes(info.status)) return;
      await this.deps.store.saveInfo({ ...info, status: 'failed', updatedAt: new Date().toISOString(), error: { code: 'E_INTERNAL', message: `the analysis job failed: ${describeError(err)}` } });
    } catch {
      // the store is gone; the record stays as it was (the next start of the job finds it)
    }
  }
}

function gapMsg(seq: number, phase: 'start' | 'end', startPtsMs: number, endPtsMs: number | null, reason: string, attempts: number): SourceGapMsg {
  return { v: WIRE_VERSION, type: 'sourceGap', seq, gap: { phase, startPtsMs, endPtsMs, reason, attempts } };
}

/** Media time of the newest frame in the feed (where a cut-off analysis got to), 0 when none. */
async function lastFramePts(redis: Redis, keys: ClusterKeys, id: string): Promise<number> {
  for (const e of await readNewest(redis, keys, id, 200)) {
    if (!e.payload.includes('"type":"frame"')) continue;
    try {
      const m = JSON.parse(e.payload) as { type?: string; frame?: { ptsMs?: number } };
      if (m.type === 'frame' && typeof m.frame?.ptsMs === 'number') return m.frame.ptsMs;
    } catch {
      // not ours
    }
  }
  return 0;
}
