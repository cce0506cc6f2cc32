import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FakescopeError, describeError } from '../../errors.js';
import type { BatchPolicy, TensorMap } from './batcher.js';
import { RunBatcher } from './batcher.js';
import type { SessionMeta } from './worker-pool.js';
import { InferenceWorker } from './worker-pool.js';

export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu';

export interface OnnxRuntimeConfig {
  readonly executionProvider: ExecutionProvider;
  /** Intra-op threads per session; 1 keeps several sessions from fighting over 2 cores. */
  readonly intraOpThreads: number;
  /**
   * Inference worker threads (sessions are spread over them by model); 0 runs inference on the
   * calling thread, as a plain ORT session would (the default for tools and tests that build a
   * factory themselves; the app's config defaults to 1).
   */
  readonly workers?: number;
  /** Cross-stream batching of each model's runs (see batcher.ts); default: at once, up to 16. */
  readonly batch?: BatchPolicy;
}

export interface RunInputOptions {
  readonly handOver?: boolean;
}

/**
 * What detectors use of a session: a plain `ort.InferenceSession` fits, and so does the factory's
 * batching (and worker-backed) session.
 */
export interface OnnxSession extends SessionMeta {
  /**
   * `handOver`: the caller gives the input arrays away (fresh, whole-buffer arrays it never touches
   * again), so a worker-backed session transfers them to its thread instead of copying them;
   * otherwise inputs are copied. A plain ORT session ignores it.
   */
  run(feeds: ort.InferenceSession.FeedsType, options?: RunInputOptions): Promise<ort.InferenceSession.ReturnType>;
  release(): Promise<void>;
}

export interface SessionOptions {
  /** ORT graph optimisation level; `all` unless a model needs otherwise. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

/**
 * The one place ONNX Runtime sessions are created. Sessions are cached per model file and options
 * and shared by every analysis; each session's runs go through one RunBatcher, so the faces of all
 * streams that are ready go to the model in one call. `releaseAll` frees the sessions and ends the
 * worker threads.
 */
export interface OnnxSessionFactory {
  readonly executionProvider: ExecutionProvider;
  create(modelPath: string, options?: SessionOptions): Promise<OnnxSession>;
  /** Runs per batch size of every session so far (benchmarks). */
  batchSizes(): ReadonlyMap<string, ReadonlyMap<number, number>>;
  releaseAll(): Promise<void>;
}

/** A model is batchable when the first dimension of every input is free (BlazeFace's is fixed at 1). */
export function isBatchable(meta: SessionMeta): boolean {
  return meta.inputMetadata.every((m) => !m.isTensor || typeof m.shape[0] !== 'number' || m.shape[0] < 0);
}

const require = createRequire(import.meta.url);

/** Folder holding onnxruntime-node's native binaries for this platform. */
function ortBinFolder(): string {
  const pkg = require.resolve('onnxruntime-node/package.json');
  return join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
}

/**
 * Checks that the requested execution provider can work here and explains how to get it when not.
 * CUDA needs provider libraries that onnxruntime-node's install script downloads; fakescope skips
 * that download by default (see README, "GPU").
 */
export function checkExecutionProvider(ep: ExecutionProvider): void {
  if (ep === 'cpu') return;
  const backends = ort.listSupportedBackends();
  if (!backends.some((b) => b.name === ep)) {
    throw new FakescopeError(
      'E_EXECUTION_PROVIDER',
      `execution provider "${ep}" is not supported by onnxruntime-node on ${process.platform}/${process.arch}; use "cpu"`,
    );
  }
  if (ep === 'cuda' && !existsSync(join(ortBinFolder(), 'libonnxruntime_providers_cuda.so'))) {
    throw new FakescopeError(
      'E_EXECUTION_PROVIDER',
      'execution provider "cuda" requested but its libraries are not installed; with internet access run ' +
        '`node node_modules/onnxruntime-node/script/install --onnxruntime-node-install=cuda12`, or use "cpu"',
    );
  }
}

export function createOnnxSessionFactory(config: OnnxRuntimeConfig): OnnxSessionFactory {
  checkExecutionProvider(config.executionProvider);
  const policy: BatchPolicy = config.batch ?? { maxBatch: 16, maxWaitMs: 0 };
  const workers = Array.from({ length: config.workers ?? 0 }, () => new InferenceWorker());
  const cache = new Map<string, Promise<{ session: OnnxSession; batcher: RunBatcher }>>();
  const batchers = new Map<string, RunBatcher>();
  const sessionOptions = (options: SessionOptions): ort.InferenceSession.SessionOptions => ({
    executionProviders: [config.executionProvider],
    intraOpNumThreads: config.intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    // Warnings such as unused initializers in third-party models are noise for users.
    logSeverityLevel: 3,
  });
  const load = async (modelPath: string, options: SessionOptions, key: string): Promise<{ session: OnnxSession; batcher: RunBatcher }> => {
    if (!existsSync(modelPath)) {
      throw new FakescopeError('E_MODEL', `model file not found: ${modelPath}`);
    }
    const worker = workers.length > 0 ? (workers[cache.size % workers.length] as InferenceWorker) : null;
    let meta: SessionMeta;
    let exec: (feeds: TensorMap, handOver: boolean) => Promise<TensorMap>;
    let release: () => Promise<void>;
    try {
      if (worker) {
        meta = await worker.create(key, resolve(modelPath), sessionOptions(options));
        exec = (feeds, handOver) => worker.run(key, feeds, handOver);
        release = () => worker.release(key);
      } else {
        const s = await ort.InferenceSession.create(modelPath, sessionOptions(options));
        meta = s;
        exec = (feeds) => s.run(feeds) as Promise<TensorMap>;
        release = () => s.release();
      }
    } catch (e) {
      const code = config.executionProvider === 'cpu' ? 'E_MODEL' : 'E_EXECUTION_PROVIDER';
      throw new FakescopeError(
        code,
        `cannot load ${modelPath} on execution provider "${config.executionProvider}": ${describeError(e)}`,
        { cause: e },
      );
    }
    const batcher = new RunBatcher(exec, policy, isBatchable(meta));
    batchers.set(key, batcher);
    const session: OnnxSession = {
      inputNames: meta.inputNames,
      outputNames: meta.outputNames,
      inputMetadata: meta.inputMetadata,
      outputMetadata: meta.outputMetadata,
      run: (feeds, o) => batcher.run(feeds as TensorMap, o?.handOver ?? false),
      release,
    };
    return { session, batcher };
  };
  return {
    executionProvider: config.executionProvider,
    async create(modelPath, options = {}) {
      const key = `${resolve(modelPath)}|${options.graphOptimizationLevel ?? 'all'}`;
      let entry = cache.get(key);
      if (!entry) {
        entry = load(modelPath, options, key);
        cache.set(key, entry);
        entry.catch(() => cache.delete(key));
      }
      return (await entry).session;
    },
    batchSizes() {
      return new Map([...batchers].map(([key, b]) => [key, b.sizes]));
    },
    async releaseAll() {
      const sessions = await Promise.allSettled(cache.values());
      cache.clear();
      batchers.clear();
      await Promise.allSettled(
        sessions.flatMap((s) => (s.status === 'fulfilled' ? [s.value.session.release()] : [])),
      );
      await Promise.allSettled(workers.map((w) => w.close()));
    },
  };
}
