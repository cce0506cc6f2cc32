import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FakescopeError, describeError } from '../../errors.js';

export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu';

export interface OnnxRuntimeConfig {
  readonly executionProvider: ExecutionProvider;
  /** Intra-op threads per session; 1 keeps several sessions from fighting over 2 cores. */
  readonly intraOpThreads: number;
}

export interface SessionOptions {
  /** ORT graph optimisation level; `all` unless a model needs otherwise. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

/**
 * The one place ONNX Runtime sessions are created. Sessions are cached per model file and options
 * and shared by every analysis (ORT sessions allow concurrent `run` calls); `releaseAll` frees them.
 */
export interface OnnxSessionFactory {
  readonly executionProvider: ExecutionProvider;
  create(modelPath: string, options?: SessionOptions): Promise<ort.InferenceSession>;
  releaseAll(): Promise<void>;
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
  const cache = new Map<string, Promise<ort.InferenceSession>>();
  const load = async (modelPath: string, options: SessionOptions): Promise<ort.InferenceSession> => {
    if (!existsSync(modelPath)) {
      throw new FakescopeError('E_MODEL', `model file not found: ${modelPath}`);
    }
    try {
      return await ort.InferenceSession.create(modelPath, {
        executionProviders: [config.executionProvider],
        intraOpNumThreads: config.intraOpThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
        // Warnings such as unused initializers in third-party models are noise for users.
        logSeverityLevel: 3,
      });
    } catch (e) {
      const code = config.executionProvider === 'cpu' ? 'E_MODEL' : 'E_EXECUTION_PROVIDER';
      throw new FakescopeError(
        code,
        `cannot load ${modelPath} on execution provider "${config.executionProvider}": ${describeError(e)}`,
        { cause: e },
      );
    }
  };
  return {
    executionProvider: config.executionProvider,
    create(modelPath, options = {}) {
      const key = `${resolve(modelPath)}|${options.graphOptimizationLevel ?? 'all'}`;
      let session = cache.get(key);
      if (!session) {
        session = load(modelPath, options);
        cache.set(key, session);
        session.catch(() => cache.delete(key));
      }
      return session;
    },
    async releaseAll() {
      const sessions = await Promise.allSettled(cache.values());
      cache.clear();
      await Promise.allSettled(
        sessions.flatMap((s) => (s.status === 'fulfilled' ? [s.value.release()] : [])),
      );
    },
  };
}
