import * as ort from 'onnxruntime-node';

/** One model's feeds or outputs: name → tensor. */
export type TensorMap = Readonly<Record<string, ort.Tensor>>;

export interface BatchPolicy {
  /** Most requests carried by one run. */
  readonly maxBatch: number;
  /**
   * How long a request that finds the runner idle waits for others before it is sent (ms). 0:
   * sent at once; batches then form only while a run is in flight, which adds no latency.
   */
  readonly maxWaitMs: number;
}

export interface BatchTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Cross-stream batching for one model: requests from all analyses queue here and go to `exec` as
 * one run whose inputs are the requests' inputs stacked along dimension 0; each request gets its
 * rows of every output back. Backpressure: one run in flight per model; requests arriving meanwhile
 * wait and leave together (up to `maxBatch`) when it returns, so the queue is bounded by the number
 * of analyses (each waits for its answer before it sends more). Requests whose inputs differ in any
 * dimension but the first are never stacked together. A model whose first dimension is fixed
 * (`batchable` false, e.g. BlazeFace's 1) still queues here, one request per run.
 */
export class RunBatcher {
  private readonly queue: { feeds: TensorMap; rows: number; handOver: boolean; resolve: (o: TensorMap) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = false;
  private timer: unknown = null;
  /** Runs made and requests carried, by batch size (for benchmarks and metrics). */
  readonly sizes = new Map<number, number>();

  constructor(
    /** `handOver`: the feeds' arrays belong to this run alone (stacked copies, or given away). */
    private readonly exec: (feeds: TensorMap, handOver: boolean) => Promise<TensorMap>,
    private readonly policy: BatchPolicy,
    private readonly batchable: boolean,
    private readonly timers: BatchTimers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  ) {}

  run(feeds: TensorMap, handOver = false): Promise<TensorMap> {
    const rows = firstDim(feeds);
    return new Promise((resolve, reject) => {
      this.queue.push({ feeds, rows, handOver, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const full = !this.batchable || this.queue.length >= this.policy.maxBatch;
    if (this.policy.maxWaitMs <= 0 || full) {
      this.flush();
      return;
    }
    this.timer ??= this.timers.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.policy.maxWaitMs);
  }

  private flush(): void {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inFlight || this.queue.length === 0) return;
    const head = this.queue[0] as (typeof this.queue)[number];
    const key = shapeKey(head.feeds);
    const batch = this.batchable ? this.queue.filter((r) => shapeKey(r.feeds) === key).slice(0, this.policy.maxBatch) : [head];
    for (const r of batch) this.queue.splice(this.queue.indexOf(r), 1);
    this.sizes.set(batch.length, (this.sizes.get(batch.length) ?? 0) + 1);
    this.inFlight = true;
    const feeds = batch.length === 1 ? head.feeds : stack(batch.map((r) => r.feeds));
    this.exec(feeds, batch.length > 1 || head.handOver)
      .then(
        (out) => {
          if (batch.length === 1) {
            head.resolve(out);
            return;
          }
          let row = 0;
          for (const r of batch) {
            r.resolve(rowsOf(out, row, r.rows));
            row += r.rows;
          }
        },
        (e: unknown) => {
          for (const r of batch) r.reject(e);
        },
      )
      .finally(() => {
        this.inFlight = false;
        this.schedule();
      });
  }
}

function firstDim(feeds: TensorMap): number {
  const t = Object.values(feeds)[0];
  return t ? (t.dims[0] ?? 1) : 0;
}

/** Names, types and every dimension but the first: requests with the same key can be stacked. */
export function shapeKey(feeds: TensorMap): string {
  return Object.keys(feeds)
    .sort()
    .map((k) => {
      const t = feeds[k] as ort.Tensor;
      return `${k}:${t.type}:${t.dims.slice(1).join('x')}`;
    })
    .join('|');
}

/** The feeds of several requests stacked along dimension 0 (one copy of each input). */
export function stack(list: readonly TensorMap[]): TensorMap {
  const first = list[0] as TensorMap;
  const out: Record<string, ort.Tensor> = {};
  for (const name of Object.keys(first)) {
    const parts = list.map((f) => f[name] as ort.Tensor);
    const total = parts.reduce((n, t) => n + (t.data as Float32Array).length, 0);
    const data = new Float32Array(total);
    let at = 0;
    for (const t of parts) {
      data.set(t.data as Float32Array, at);
      at += (t.data as Float32Array).length;
    }
    const rows = parts.reduce((n, t) => n + (t.dims[0] ?? 1), 0);
    out[name] = new ort.Tensor('float32', data, [rows, ...(parts[0] as ort.Tensor).dims.slice(1)]);
  }
  return out;
}

/** Rows [from, from + rows) of every output (views, no copy). */
export function rowsOf(out: TensorMap, from: number, rows: number): TensorMap {
  const res: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(out)) {
    const total = t.dims[0] ?? 1;
    const data = t.data as Float32Array;
    const per = data.length / total;
    res[name] = new ort.Tensor('float32', data.subarray(from * per, (from + rows) * per), [rows, ...t.dims.slice(1)]);
  }
  return res;
}
