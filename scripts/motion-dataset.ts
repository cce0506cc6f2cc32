/**
 * Training and evaluation windows for the motion classifier (models/training/motion/train.py).
 *
 *   npm run build && nice -n 10 node dist/scripts/motion-dataset.js [--corpus ../shared/corpus] [--media ../shared/media]
 *
 * 1. Clips: every video row of both manifests (photos are stills: nothing moves, see docs/motion.md).
 * 2. Samples: the analyzer's own ingest (analysis width 640, every frame), face stage with the
 *    default config (BlazeFace + tracker), faces below `faces.minFaceSize` dropped as the detector
 *    stage drops them, and the detector's own per-track MotionSampler; the clip's main track (the
 *    track present on most frames) is kept. Cached per clip under models/training/cache/motion/samples.
 * 3. Windows: the samples go through MotionWindow with the runtime's options (hop `--hop` s);
 *    every analysed window (no still/frozen/gap issue) becomes one row: the map and the features
 *    exactly as the detector computes them, so training and inference see identical inputs.
 *
 * Output (models/training/cache/motion/dataset): `windows.f32` (rows × (rows·cols + features)
 * float32) and `index.json` (layout, options and one record per row). Splits are made by the
 * training script (face_index.py groups), never here.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { lastValueFrom, toArray } from 'rxjs';
import { parseConfig } from '../src/config/schema.js';
import type { FaceDetector } from '../src/detectors/contract.js';
import { createFaceDetector } from '../src/detectors/face/face-detector.js';
import { loadFaceDetectorManifest } from '../src/detectors/face/manifest.js';
import { MOTION_FEATURES } from '../src/detectors/motion/analysis.js';
import { DEFAULT_MOTION_OPTIONS, createMotionContext } from '../src/detectors/motion/options.js';
import { HEAD_WIDTH, type MotionSample, MotionSampler, PARTS_WIDTH } from '../src/detectors/motion/sampler.js';
import { MotionWindow } from '../src/detectors/motion/window.js';
import { createOnnxSessionFactory } from '../src/detectors/onnx/session.js';
import { openSource, pullFrames } from '../src/ingest/index.js';
import { FaceStage } from '../src/pipeline/face-stage.js';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: '../shared/corpus' },
    media: { type: 'string', default: '../shared/media' },
    cache: { type: 'string', default: 'models/training/cache/motion' },
    hop: { type: 'string', default: '0.25' },
    only: { type: 'string' },
    'samples-only': { type: 'boolean', default: false },
    shard: { type: 'string', default: '0/1' },
  },
});

const CACHE = resolve(values.cache as string);
const ctx = createMotionContext();
const CHANNELS = ctx.bank.channels;
/** phase (channels) + head + parts + frozen + amplitude */
const WIDTH = CHANNELS + HEAD_WIDTH + PARTS_WIDTH + 2;

interface Clip {
  readonly dir: string;
  readonly file: string;
  readonly name: string;
  readonly source: string;
  readonly label: string;
  readonly method: string;
}

function readClips(dir: string): Clip[] {
  const root = resolve(dir);
  const rows = readFileSync(join(root, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  return rows
    .filter((r) => /\.(mp4|webm|mov|mkv|avi)$/i.test(r[0] as string))
    .map((r) => ({ dir: root, file: r[0] as string, name: (r[0] as string).replace(/\.[^.]+$/, ''), source: basename(root), label: r[1] as string, method: r[2] as string }));
}

interface ClipSamples {
  readonly ptsMs: number[];
  readonly samples: (MotionSample | null)[];
  readonly meta: Record<string, number | string>;
}

function pack(s: MotionSample, out: Float32Array, o: number): void {
  out.set(s.phase, o);
  out.set(s.head, o + CHANNELS);
  out.set(s.parts, o + CHANNELS + HEAD_WIDTH);
  out[o + WIDTH - 2] = s.frozen ? 1 : 0;
  out[o + WIDTH - 1] = s.amplitude;
}

function unpack(d: Float32Array, o: number): MotionSample | null {
  if (Number.isNaN(d[o] as number)) return null;
  return {
    phase: d.slice(o, o + CHANNELS),
    head: d.slice(o + CHANNELS, o + CHANNELS + HEAD_WIDTH),
    parts: d.slice(o + CHANNELS + HEAD_WIDTH, o + CHANNELS + HEAD_WIDTH + PARTS_WIDTH),
    frozen: (d[o + WIDTH - 2] as number) === 1,
    amplitude: d[o + WIDTH - 1] as number,
  };
}

async function extract(clip: Clip, detector: FaceDetector): Promise<ClipSamples> {
  const config = parseConfig({});
  const source = await openSource(join(clip.dir, clip.file), { streamId: clip.name, analysisWidth: config.analysis.width });
  const stage = new FaceStage(detector, { ...config.faces, tracker: config.faces.tracker });
  const samplers = new Map<number, MotionSampler>();
  const rows = await lastValueFrom(
    pullFrames(source, async (frame) => {
      const r = await stage.process(frame);
      for (const id of r.ended) samplers.delete(id);
      const byTrack = new Map<number, MotionSample>();
      for (const f of r.faces) {
        if (Math.min(f.box.w, f.box.h) < config.faces.minFaceSize) continue;
        let sampler = samplers.get(f.trackId);
        if (!sampler) samplers.set(f.trackId, (sampler = new MotionSampler(ctx)));
        byTrack.set(f.trackId, sampler.sample(frame, f));
      }
      return { ptsMs: frame.ptsMs, byTrack };
    }).pipe(toArray()),
    { defaultValue: [] },
  );
  const counts = new Map<number, number>();
  for (const r of rows) for (const id of r.byTrack.keys()) counts.set(id, (counts.get(id) ?? 0) + 1);
  const main = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? -1;
  return {
    ptsMs: rows.map((r) => r.ptsMs),
    samples: rows.map((r) => r.byTrack.get(main) ?? null),
    meta: { frames: rows.length, framesWithFace: counts.get(main) ?? 0, tracks: counts.size, width: source.width, height: source.height },
  };
}

function save(name: string, s: ClipSamples): void {
  const dir = join(CACHE, 'samples');
  mkdirSync(dir, { recursive: true });
  const data = new Float32Array(s.samples.length * WIDTH).fill(NaN);
  s.samples.forEach((x, i) => {
    if (x) pack(x, data, i * WIDTH);
  });
  writeFileSync(join(dir, `${name}.f32`), Buffer.from(data.buffer));
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ width: WIDTH, meta: s.meta, ptsMs: s.ptsMs }));
}

function load(name: string): ClipSamples | null {
  const dir = join(CACHE, 'samples');
  if (!existsSync(join(dir, `${name}.json`)) || !existsSync(join(dir, `${name}.f32`))) return null;
  const j = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { width: number; meta: ClipSamples['meta']; ptsMs: number[] };
  if (j.width !== WIDTH) return null;
  const buf = readFileSync(join(dir, `${name}.f32`));
  const d = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  return { ptsMs: j.ptsMs, samples: j.ptsMs.map((_, i) => unpack(d, i * WIDTH)), meta: j.meta };
}

async function main(): Promise<void> {
  const [shard, shards] = (values.shard as string).split('/').map(Number) as [number, number];
  const clips = [...readClips(values.corpus as string), ...readClips(values.media as string)].filter((c) => !values.only || c.name.includes(values.only));
  const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
  const detector = await createFaceDetector(loadFaceDetectorManifest('blazeface-back-256'), sessions);
  await detector.warmup();
  const all = new Map<string, ClipSamples>();
  try {
    for (const [i, clip] of clips.entries()) {
      let s = load(clip.name);
      if (!s && i % shards === shard) {
        const t0 = performance.now();
        s = await extract(clip, detector);
        save(clip.name, s);
        process.stderr.write(`  ${clip.name}: ${s.meta.framesWithFace}/${s.meta.frames} frames with the face, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      }
      if (s) all.set(clip.name, s);
    }
  } finally {
    await sessions.releaseAll();
  }
  if (values['samples-only']) return;

  const outDir = join(CACHE, 'dataset');
  mkdirSync(outDir, { recursive: true });
  const fd = openSync(join(outDir, 'windows.f32'), 'w');
  const records: Record<string, unknown>[] = [];
  const counts = { windows: 0, still: 0, frozen: 0, gap: 0, filling: 0 };
  const clipStats: Record<string, unknown>[] = [];
  try {
    for (const clip of clips) {
      const s = all.get(clip.name);
      if (!s) continue;
      const win = new MotionWindow({ ...DEFAULT_MOTION_OPTIONS, hopSec: Number(values.hop) });
      let kept = 0;
      const issues: Record<string, number> = {};
      s.samples.forEach((x, i) => {
        const r = win.push(s.ptsMs[i] as number, x);
        if (!r) return;
        if (r.state === 'filling' || !r.analysis) {
          counts.filling++;
          return;
        }
        const a = r.analysis;
        for (const k of a.issues) issues[k] = (issues[k] ?? 0) + 1;
        if (!a.map || !a.features) {
          for (const k of a.issues) counts[k]++;
          return;
        }
        const row = new Float32Array(a.map.length + a.features.length);
        row.set(a.map, 0);
        row.set(a.features, a.map.length);
        writeSync(fd, new Uint8Array(row.buffer));
        records.push({ clip: clip.name, source: clip.source, label: clip.label, method: clip.method, tEndMs: Math.round(a.tEndMs), lowRmsPx: a.lowRmsPx, actionRmsPx: a.actionRmsPx });
        kept++;
        counts.windows++;
      });
      clipStats.push({ clip: clip.name, source: clip.source, label: clip.label, method: clip.method, ...s.meta, windows: kept, issues });
    }
  } finally {
    closeSync(fd);
  }
  const index = {
    schema: 'fakescope.motion-dataset/1',
    options: { ...DEFAULT_MOTION_OPTIONS, hopSec: Number(values.hop) },
    rows: ctx.bank.channels,
    cols: DEFAULT_MOTION_OPTIONS.spectrumBins + 2,
    features: MOTION_FEATURES,
    counts,
    clips: clipStats,
    records,
  };
  writeFileSync(join(outDir, 'index.json'), JSON.stringify(index));
  process.stderr.write(`${counts.windows} windows from ${clipStats.length} clips (${JSON.stringify(counts)}) → ${outDir}\n`);
}

await main();
