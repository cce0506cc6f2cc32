/**
 * The inference worker's program, as source text for `new Worker(…, { eval: true })`. Why a string:
 * the worker must start the same way from the compiled package (dist/) and under the test runner
 * (TypeScript sources), and a worker cannot load a `.ts` file. It is plain CommonJS, kept tiny: it
 * only creates sessions, runs them and sends the outputs back; all batching and bookkeeping stay on
 * the main thread (batcher.ts, worker-pool.ts).
 *
 * Messages in: `{ id, op: 'create', key, path, options }`, `{ id, op: 'run', key, feeds }` (feeds:
 * name → `{ type, data, dims }`), `{ id, op: 'release', key }`. Out: `{ id, ok: true, value }` or
 * `{ id, ok: false, error }`. Output arrays are copied out of ORT's buffers and transferred.
 */
export const ORT_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const sessions = new Map();
const meta = (s) => ({ inputNames: s.inputNames, outputNames: s.outputNames, inputMetadata: s.inputMetadata, outputMetadata: s.outputMetadata });
parentPort.on('message', async (m) => {
  try {
    if (m.op === 'create') {
      const s = await ort.InferenceSession.create(m.path, m.options);
      sessions.set(m.key, s);
      parentPort.postMessage({ id: m.id, ok: true, value: meta(s) });
    } else if (m.op === 'run') {
      const s = sessions.get(m.key);
      if (!s) throw new Error('no session ' + m.key);
      const feeds = {};
      for (const name of Object.keys(m.feeds)) {
        const t = m.feeds[name];
        feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      }
      const out = await s.run(feeds);
      const value = {};
      const transfer = [];
      for (const name of Object.keys(out)) {
        const t = out[name];
        const data = t.data.slice();
        value[name] = { type: t.type, data, dims: t.dims };
        transfer.push(data.buffer);
      }
      parentPort.postMessage({ id: m.id, ok: true, value }, transfer);
    } else if (m.op === 'release') {
      const s = sessions.get(m.key);
      sessions.delete(m.key);
      if (s) await s.release();
      parentPort.postMessage({ id: m.id, ok: true, value: null });
    }
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, error: String((e && e.message) || e) });
  }
});
`;
