/**
 * Training and evaluation windows for the rPPG classifier (models/training/rppg/train.py).
 *
 *   npm run build && node dist/scripts/rppg-dataset.js [--media ../shared/media] [--seed 1]
 *
 * 1. Clips: the `real` rows of the media manifest are the real class; `real-filtered` (the AR
 *    beauty filter clip) is kept out of training as an edge case (split `edge`); the `fake` rows
 *    (dev fakes) are never trained on, only evaluated (split `dev-fake`).
 * 2. Real clips are split BY CLIP (seeded shuffle): test 4, val 3, train the rest. Everything made
 *    from a clip (re-encodes, manipulations) stays in its split, and manipulation donors come from
 *    the same split.
 * 3. Each real clip is also re-encoded by ffmpeg (H.264 at CRF 35–40; and half width at CRF 30):
 *    hard but real windows where compression and small faces weaken the pulse.
 * 4. Traces: the analyzer's own ingest, face stage and rPPG sampler (scripts/rppg-traces.ts),
 *    cached under models/training/cache/rppg/traces.
 * 5. Windows: each trace, as is (real) or manipulated (src/detectors/rppg/manipulations.ts: five fakes,
 *    and a simulated low-SNR camera labelled real), goes through PulseWindow with the runtime's
 *    window options; every scoreable window (classifier-input.ts) becomes one row: the PPG map
 *    and the scalar features exactly as the detector computes them.
 *
 * Output (models/training/cache/rppg/dataset): `windows.f32` (rows × (mapRows·mapCols + features)
 * float32) and `index.json` (layout and one metadata record per row).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createFaceDetector } from '../src/detectors/face/face-detector.js';
import { loadFaceDetectorManifest } from '../src/detectors/face/manifest.js';
import { deriveSeed, createPrng } from '../src/detectors/mc/prng.js';
import { createOnnxSessionFactory } from '../src/detectors/onnx/session.js';
import { CLASSIFIER_FEATURES, CLASSIFIER_WINDOW_KEYS, classifierInput } from '../src/detectors/rppg/classifier-input.js';
import { DEFAULT_WINDOW_OPTIONS } from '../src/detectors/rppg/options.js';
import { PulseWindow } from '../src/detectors/rppg/window.js';
import { FAKE_MANIPULATIONS, type Manipulation, type TraceLike, manipulate } from '../src/detectors/rppg/manipulations.js';
import { type Trace, extractTrace, loadTrace, saveTrace } from './rppg-traces.js';

const { values } = parseArgs({
  options: {
    media: { type: 'string', default: '../shared/media' },
    cache: { type: 'string', default: 'models/training/cache/rppg' },
    seed: { type: 'string', default: '1' },
    'real-hop': { type: 'string', default: '0.25' },
    'fake-hop': { type: 'string', default: '0.5' },
  },
});

const SEED = Number(values.seed);
const CACHE = resolve(values.cache as string);
const MEDIA = resolve(values.media as string);
const SPLIT_SIZES = { test: 4, val: 3 } as const;

type Split = 'train' | 'val' | 'test' | 'edge' | 'dev-fake';
type Variant = 'orig' | 'crf' | 'small';

interface Clip {
  readonly file: string;
  readonly name: string;
  readonly label: 'real' | 'fake';
  readonly split: Split;
}

export interface WindowRecord {
  readonly clip: string;
  readonly variant: Variant;
  readonly manipulation: Manipulation | 'none' | 'dev-fake';
  readonly label: 0 | 1;
  readonly split: Split;
  readonly state: string;
  readonly reasons: readonly string[];
  readonly hrBpm: number | null;
  readonly snrDb: number | null;
  readonly coherence: number | null;
  readonly tEndMs: number;
  readonly params?: Readonly<Record<string, number>>;
}

function readClips(): Clip[] {
  const rows = readFileSync(join(MEDIA, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const reals = rows.filter((r) => r[1] === 'real').map((r) => r[0] as string).sort();
  // Seeded Fisher–Yates over the sorted names: the split depends on the seed only.
  const rng = createPrng(deriveSeed(SEED, 'rppg-split'));
  for (let i = reals.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [reals[i], reals[j]] = [reals[j] as string, reals[i] as string];
  }
  const splitOf = new Map<string, Split>();
  reals.forEach((f, i) => splitOf.set(f, i < SPLIT_SIZES.test ? 'test' : i < SPLIT_SIZES.test + SPLIT_SIZES.val ? 'val' : 'train'));
  return rows.map((r) => {
    const file = r[0] as string;
    const label = r[1] === 'fake' ? 'fake' : 'real';
    const split: Split = r[1] === 'fake' ? 'dev-fake' : r[1] === 'real' ? (splitOf.get(file) as Split) : 'edge';
    return { file, name: file.replace(/\.mp4$/, ''), label, split };
  });
}

/** The clip re-encoded for a variant (cached), or the clip itself for 'orig'. */
function variantFile(clip: Clip, variant: Variant): string {
  const src = join(MEDIA, clip.file);
  if (variant === 'orig') return src;
  const dir = join(CACHE, 'media');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${clip.name}__${variant}.mp4`);
  if (existsSync(out)) return out;
  const crf = variant === 'crf' ? 35 + Math.floor(createPrng(deriveSeed(SEED, 'crf', clip.name)).uniform() * 6) : 30;
  const vf = variant === 'small' ? ['-vf', 'scale=trunc(iw/4)*2:-2'] : [];
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', src, ...vf, '-an', '-c:v', 'libx264', '-preset', 'medium', '-crf', String(crf), '-pix_fmt', 'yuv420p', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed on ${clip.file} (${variant}): ${r.stderr}`);
  return out;
}

type Detector = Awaited<ReturnType<typeof createFaceDetector>>;

async function traceOf(clip: Clip, variant: Variant, detector: Detector): Promise<Trace> {
  const dir = join(CACHE, 'traces');
  const name = `${clip.name}__${variant}`;
  const cached = loadTrace(dir, name);
  if (cached) return cached;
  const t0 = performance.now();
  const trace = await extractTrace(variantFile(clip, variant), name, detector);
  saveTrace(dir, trace);
  process.stderr.write(`  traced ${name}: ${trace.meta.framesWithSample}/${trace.meta.frames} frames, face ${Math.round(trace.meta.medianFacePx)} px, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return trace;
}

/** Runs a trace through the runtime window and yields every scoreable window. */
function* windowsOf(trace: TraceLike, hopSec: number): Generator<{ features: ReturnType<PulseWindow['push']> & object; input: NonNullable<ReturnType<typeof classifierInput>> }> {
  const win = new PulseWindow({ hopSec });
  for (let i = 0; i < trace.samples.length; i++) {
    const f = win.push(trace.ptsMs[i] as number, trace.samples[i] ?? null);
    if (!f) continue;
    const input = classifierInput(f);
    if (input) yield { features: f, input };
  }
}

async function main(): Promise<void> {
  const clips = readClips();
  const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
  const detector = await createFaceDetector(loadFaceDetectorManifest('blazeface-back-256'), sessions);
  await detector.warmup();

  const outDir = join(CACHE, 'dataset');
  mkdirSync(outDir, { recursive: true });
  const fd = openSync(join(outDir, 'windows.f32'), 'w');
  const records: WindowRecord[] = [];
  let rowWidth = 0;
  let mapShape: [number, number] = [0, 0];
  const emit = (trace: TraceLike, hop: number, meta: Omit<WindowRecord, 'state' | 'reasons' | 'hrBpm' | 'snrDb' | 'coherence' | 'tEndMs'>): void => {
    for (const { features: f, input } of windowsOf(trace, hop)) {
      mapShape = [input.rows, input.cols];
      const row = new Float32Array(input.map.length + input.features.length);
      row.set(input.map, 0);
      row.set(input.features, input.map.length);
      rowWidth = row.length;
      writeSync(fd, new Uint8Array(row.buffer));
      records.push({ ...meta, state: f.state, reasons: f.reasons, hrBpm: f.hrBpm, snrDb: f.snrDb, coherence: f.coherence, tEndMs: f.tEndMs });
    }
  };

  const realHop = Number(values['real-hop']);
  const fakeHop = Number(values['fake-hop']);
  const variants: Variant[] = ['orig', 'crf', 'small'];
  try {
    process.stderr.write('tracing clips (cached after the first run)\n');
    const traces = new Map<string, Trace>();
    for (const clip of clips) {
      for (const v of clip.label === 'real' ? variants : (['orig'] as Variant[])) traces.set(`${clip.name}__${v}`, await traceOf(clip, v, detector));
    }
    for (const clip of clips) {
      if (clip.label === 'fake') {
        emit(traces.get(`${clip.name}__orig`) as Trace, fakeHop, { clip: clip.name, variant: 'orig', manipulation: 'dev-fake', label: 1, split: clip.split });
        continue;
      }
      const donors = clips.filter((c) => c.label === 'real' && c.split === clip.split && c.name !== clip.name);
      for (const v of variants) {
        const trace = traces.get(`${clip.name}__${v}`) as Trace;
        emit(trace, realHop, { clip: clip.name, variant: v, manipulation: 'none', label: 0, split: clip.split });
        if (clip.split === 'edge') continue;
        const kinds: Manipulation[] = ['noise-floor', ...FAKE_MANIPULATIONS];
        for (const kind of kinds) {
          const rng = createPrng(deriveSeed(SEED, 'manipulation', clip.name, v, kind));
          const donorClip = donors[Math.floor(rng.uniform() * donors.length)] as Clip;
          const donor = traces.get(`${donorClip.name}__${v}`) as Trace;
          const { samples, params } = manipulate(kind, trace, { rng, donor });
          const label = kind === 'noise-floor' ? 0 : 1;
          emit({ ptsMs: trace.ptsMs, samples }, fakeHop, { clip: clip.name, variant: v, manipulation: kind, label, split: clip.split, params });
        }
      }
      process.stderr.write(`  windows after ${clip.name}: ${records.length}\n`);
    }
  } finally {
    closeSync(fd);
    await sessions.releaseAll();
  }

  const windowOptions = Object.fromEntries(CLASSIFIER_WINDOW_KEYS.map((k) => [k, DEFAULT_WINDOW_OPTIONS[k]]));
  const index = {
    schema: 'fakescope.rppg-dataset/1',
    seed: SEED,
    realHopSec: realHop,
    fakeHopSec: fakeHop,
    mapRows: mapShape[0],
    mapCols: mapShape[1],
    features: CLASSIFIER_FEATURES,
    rowWidth,
    windowOptions,
    clips: clips.map((c) => ({ name: c.name, label: c.label, split: c.split })),
    rows: records,
  };
  writeFileSync(join(outDir, 'index.json'), JSON.stringify(index));
  const count = (pred: (r: WindowRecord) => boolean) => records.filter(pred).length;
  process.stderr.write(`${records.length} windows: ${count((r) => r.label === 0)} real, ${count((r) => r.label === 1)} fake\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`rppg-dataset: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
