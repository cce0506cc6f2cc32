import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { FakescopeError } from '../../errors.js';
import type { TensorMap } from './batcher.js';
import { ORT_WORKER_SOURCE } from './worker-source.js';

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

type Wire = Record<string, { type: ort.Tensor.Type; data: Float32Array; dims: readonly number[] }>;

export interface SessionMeta {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
}

const require = createRequire(import.meta.url);

/**
 * One inference worker thread and its sessions; it owns the thread. ONNX Runtime's Node binding
 * runs `session.run` synchronously on the calling thread (inside a setImmediate), so on the main
 * thread every inference blocks decoding, the feed and HTTP; here it blocks only this thread.
 *
 * Lifecycle: the thread starts on the first request. If it dies (a native crash, an uncaught
 * error), every pending request is rejected with E_INFERENCE_WORKER (detectors turn that into an
 * `insufficient` answer for the frame) and the next request starts a fresh thread, which
 * re-creates the sessions it needs from their recorded arguments.
 */
export class InferenceWorker {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  /** Sessions created on the current thread. */
  private live = new Set<string>();
  private readonly recipes = new Map<string, { path: string; options: ort.InferenceSession.SessionOptions }>();

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(ORT_WORKER_SOURCE, { eval: true, workerData: { ortPath: require.resolve('onnxruntime-node') } });
    w.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.error));
    });
    const died = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.live = new Set();
      const err = new FakescopeError('E_INFERENCE_WORKER', `inference worker stopped: ${why}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', (e) => died(e.message));
    w.on('exit', (code) => died(`exit code ${code}`));
    this.worker = w;
    return w;
  }

  private call(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<unknown> {
    const id = this.nextId++;
    const w = this.thread();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keeps the process alive only while an answer is awaited: an idle worker never holds exit.
      w.ref();
      w.postMessage({ id, ...msg }, transfer);
    });
  }

  async create(key: string, path: string, options: ort.InferenceSession.SessionOptions): Promise<SessionMeta> {
    this.recipes.set(key, { path, options });
    const meta = (await this.call({ op: 'create', key, path, options })) as SessionMeta;
    this.live.add(key);
    return meta;
  }

  /** `handOver`: transfer the input arrays (whole-buffer ones) to the thread instead of copying them. */
  async run(key: string, feeds: TensorMap, handOver = false): Promise<TensorMap> {
    if (!this.live.has(key)) {
      const r = this.recipes.get(key);
      if (!r) throw new FakescopeError('E_INFERENCE_WORKER', `no session ${key}`);
      await this.create(key, r.path, r.options);
    }
    const wire: Wire = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, t] of Object.entries(feeds)) {
      const data = t.data as Float32Array;
      wire[name] = { type: t.type, data, dims: t.dims };
      const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
      if (handOver && whole && !transfer.includes(data.buffer)) transfer.push(data.buffer);
    }
    const out = (await this.call({ op: 'run', key, feeds: wire }, transfer)) as Wire;
    const res: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(out)) res[name] = new ort.Tensor(t.type as 'float32', t.data, t.dims);
    return res;
  }

  async release(key: string): Promise<void> {
    this.recipes.delete(key);
    if (!this.live.delete(key) || !this.worker) return;
    await this.call({ op: 'release', key });
  }

  /** Ends the thread (pending requests are rejected); a later request starts a fresh one. */
  async close(): Promise<void> {
    const w = this.worker;
    if (w) await w.terminate();
  }
}
