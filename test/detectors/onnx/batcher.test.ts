import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { BatchTimers, TensorMap } from '../../../src/detectors/onnx/batcher.js';
import { RunBatcher, rowsOf, shapeKey, stack } from '../../../src/detectors/onnx/batcher.js';

const t = (rows: number, cols: number, base: number) =>
  new ort.Tensor('float32', Float32Array.from({ length: rows * cols }, (_, i) => base + i), [rows, cols]);

/** A model that doubles its input, and records the batch sizes it saw. */
function doubler() {
  const calls: number[] = [];
  const pending: (() => void)[] = [];
  const exec = (feeds: TensorMap): Promise<TensorMap> => {
    const x = feeds.x as ort.Tensor;
    calls.push(x.dims[0] as number);
    return new Promise((resolve) => pending.push(() => resolve({ y: new ort.Tensor('float32', (x.data as Float32Array).map((v) => 2 * v), x.dims) })));
  };
  return { exec, calls, finishAll: () => pending.splice(0).forEach((f) => f()) };
}

const manualTimers = () => {
  const due: (() => void)[] = [];
  const timers: BatchTimers = { setTimeout: (fn) => due.push(fn), clearTimeout: () => undefined };
  return { timers, fire: () => due.splice(0).forEach((f) => f()) };
};

describe('RunBatcher', () => {
  it('sends a request at once when idle, and stacks those that arrive during a run into one', async () => {
    const m = doubler();
    const b = new RunBatcher(m.exec, { maxBatch: 16, maxWaitMs: 0 }, true);
    const first = b.run({ x: t(1, 2, 0) });
    const second = b.run({ x: t(1, 2, 10) });
    const third = b.run({ x: t(2, 2, 20) });
    expect(m.calls).toEqual([1]);
    m.finishAll();
    expect([...(await first).y!.data]).toEqual([0, 2]);
    await Promise.resolve();
    await Promise.resolve();
    expect(m.calls).toEqual([1, 3]);
    m.finishAll();
    const [s, th] = await Promise.all([second, third]);
    expect([...s.y!.data]).toEqual([20, 22]);
    expect(s.y!.dims).toEqual([1, 2]);
    expect([...th.y!.data]).toEqual([40, 42, 44, 46]);
    expect(b.sizes).toEqual(new Map([[1, 1], [2, 1]]));
  });

  it('waits at most maxWaitMs for company, and no longer than maxBatch requests', async () => {
    const m = doubler();
    const clock = manualTimers();
    const b = new RunBatcher(m.exec, { maxBatch: 2, maxWaitMs: 5 }, true, clock.timers);
    void b.run({ x: t(1, 1, 1) });
    expect(m.calls).toEqual([]);
    clock.fire();
    expect(m.calls).toEqual([1]);
    m.finishAll();
    await new Promise((r) => setImmediate(r));
    void b.run({ x: t(1, 1, 1) });
    void b.run({ x: t(1, 1, 2) });
    expect(m.calls).toEqual([1, 2]); // full: sent without waiting
  });

  it('never stacks requests of different shapes, and runs a fixed-batch model one request at a time', async () => {
    const m = doubler();
    const b = new RunBatcher(m.exec, { maxBatch: 16, maxWaitMs: 0 }, true);
    void b.run({ x: t(1, 2, 0) });
    const a = b.run({ x: t(1, 2, 0) });
    const c = b.run({ x: t(1, 3, 0) });
    m.finishAll();
    await new Promise((r) => setImmediate(r));
    expect(m.calls).toEqual([1, 1]);
    m.finishAll();
    await a;
    await new Promise((r) => setImmediate(r));
    expect(m.calls).toEqual([1, 1, 1]);
    m.finishAll();
    await c;
    const fixed = doubler();
    const f = new RunBatcher(fixed.exec, { maxBatch: 16, maxWaitMs: 0 }, false);
    void f.run({ x: t(1, 2, 0) });
    void f.run({ x: t(1, 2, 0) });
    fixed.finishAll();
    await new Promise((r) => setImmediate(r));
    expect(fixed.calls).toEqual([1, 1]);
  });

  it('rejects every request of a failed run and goes on with the next', async () => {
    let fail = true;
    const b = new RunBatcher(async (feeds) => {
      if (fail) throw new Error('boom');
      return feeds;
    }, { maxBatch: 4, maxWaitMs: 0 }, true);
    await expect(b.run({ x: t(1, 1, 0) })).rejects.toThrow('boom');
    fail = false;
    await expect(b.run({ x: t(1, 1, 3) })).resolves.toBeDefined();
  });
});

describe('stack / rowsOf / shapeKey', () => {
  it('stacks along the first dimension and gives each request its rows back', () => {
    const s = stack([{ x: t(1, 2, 0) }, { x: t(2, 2, 10) }]);
    expect(s.x!.dims).toEqual([3, 2]);
    expect([...s.x!.data]).toEqual([0, 1, 10, 11, 12, 13]);
    const r = rowsOf(s, 1, 2);
    expect([...r.x!.data]).toEqual([10, 11, 12, 13]);
    expect(shapeKey({ x: t(1, 2, 0) })).toBe(shapeKey({ x: t(5, 2, 0) }));
    expect(shapeKey({ x: t(1, 2, 0) })).not.toBe(shapeKey({ x: t(1, 3, 0) }));
  });
});
