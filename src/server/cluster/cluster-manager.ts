import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FakescopeError, describeError, isFakescopeError } from '../../errors.js';
import type { CreateRequest } from '../analyses.js';
import { newAnalysisId } from '../analyses.js';
import type { AnalysesApi } from '../routes/analyses.js';
import type { Store } from '../store-contract.js';
import type { AnalysisInfo } from '../wire.js';
import type { AnalysisJob } from './jobs.js';
import { FINAL_STATUSES } from './jobs.js';
import type { ClusterKeys } from './keys.js';
import { withTimeout } from './redis.js';
import type { SharedDir } from './shared-dir.js';

/** How long a stop request waits in Redis for a worker that has not picked the job up yet. */
const STOP_TTL_S = 7 * 24 * 3600;

/**
 * The analyses as a cluster API node sees them: records in the Store, work on the queue. An API
 * node analyses nothing: `create` records the analysis (`starting`) and enqueues its job; a
 * worker takes it. `stop` reaches whichever worker holds the job (control channel), or one that
 * picks it up later (stop key); a job still waiting is removed and recorded `stopped` at once.
 */
export class ClusterManager implements AnalysesApi {
  constructor(
    private readonly deps: {
      store: Store;
      files: SharedDir;
      queue: Queue;
      redis: Redis;
      keys: ClusterKeys;
      /** Detectors a job may name (the configured ones), checked before anything is queued. */
      detectors: readonly string[];
      /**
       * How long a call waits for Redis. BullMQ's connection waits for Redis to come back; a client
       * is answered 503 instead (an add sent meanwhile that arrives later finds its record failed,
       * and the worker that takes it leaves it so).
       */
      waitMs: number;
    },
  ) {}

  list(): Promise<AnalysisInfo[]> {
    return this.deps.store.list();
  }

  get(id: string): Promise<AnalysisInfo | null> {
    return this.deps.store.get(id);
  }

  live(): null {
    return null;
  }

  async create(req: CreateRequest): Promise<AnalysisInfo> {
    const { store, files, queue } = this.deps;
    if (req.kind === 'webcam') throw new FakescopeError('E_BAD_REQUEST', 'the webcam is analysed by the single-process server only (fakescope serve without --redis)');
    for (const d of req.detectors ?? []) {
      if (!this.deps.detectors.includes(d)) throw new FakescopeError('E_USAGE', `unknown detector "${d}" (available: ${this.deps.detectors.join(', ') || 'none configured'})`);
    }
    const id = req.id ?? newAnalysisId();
    const input = req.kind === 'upload' ? await files.commitUpload(id) : req.input;
    const now = new Date().toISOString();
    const info: AnalysisInfo = { id, kind: req.kind, input: req.display, status: 'starting', createdAt: now, updatedAt: now, frames: 0, alerts: 0, error: null, verdict: null, media: null, live: req.live ?? false };
    await store.saveInfo(info);
    const job: AnalysisJob = { id, kind: req.kind, input, display: req.display, ...(req.detectors ? { detectors: [...req.detectors] } : {}), ...(req.live !== undefined ? { live: req.live } : {}) };
    try {
      // Retried (attempts) only when the worker itself fails (its store or Redis gone); a bad
      // input is a finished analysis with status `failed`, not a failed job.
      await withTimeout(queue.add('analysis', job, { jobId: id, attempts: 3, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } }), this.deps.waitMs);
    } catch (e) {
      const error = new FakescopeError('E_QUEUE_UNAVAILABLE', `the analysis could not be queued: ${describeError(e)}`, { cause: e });
      await store.saveInfo({ ...info, status: 'failed', error: { code: error.code, message: error.message }, updatedAt: new Date().toISOString() }).catch(() => undefined);
      throw error;
    }
    return info;
  }

  async stop(id: string): Promise<AnalysisInfo> {
    const { store, queue, redis, keys } = this.deps;
    const info = await store.get(id);
    if (!info) throw new FakescopeError('E_NOT_FOUND', `no analysis ${id}`);
    if (FINAL_STATUSES.includes(info.status)) return info;
    try {
      const wait = this.deps.waitMs;
      await withTimeout(redis.set(keys.stop(id), '1', 'EX', STOP_TTL_S), wait);
      await withTimeout(redis.publish(keys.control, JSON.stringify({ type: 'stop', id })), wait);
      const job = await withTimeout(queue.getJob(id), wait);
      const state = job ? await withTimeout(job.getState(), wait) : 'unknown';
      // A worker may take it meanwhile (remove then fails): the stop key reaches it instead.
      if (job && (state === 'waiting' || state === 'delayed' || state === 'prioritized') && (await job.remove().then(() => true, () => false))) {
        const stopped: AnalysisInfo = { ...info, status: 'stopped', updatedAt: new Date().toISOString() };
        await store.saveInfo(stopped);
        return stopped;
      }
    } catch (e) {
      if (isFakescopeError(e)) throw e;
      throw new FakescopeError('E_QUEUE_UNAVAILABLE', `the stop could not be sent: ${describeError(e)}`, { cause: e });
    }
    return info;
  }
}
