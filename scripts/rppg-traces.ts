/**
 * Per-frame rPPG traces of the main face of a clip, extracted the way the analyzer does it: ingest
 * at the analysis width, the face stage with the default config (BlazeFace + tracker), faces below
 * `faces.minFaceSize` dropped as the detector stage drops them, then the rPPG detector's own
 * per-track sampler (`FaceSampler`, src/detectors/rppg/face-sampler.ts). Training windows built
 * from these traces are therefore the windows the runtime sees.
 *
 * A trace holds, for every analysed frame, the presentation time and either the region sample of
 * the clip's main track (the track present on most frames) or null when that track is absent.
 * Traces are cached as `<name>.json` (meta + ptsMs) and `<name>.f32` (samples, SAMPLE_WIDTH floats
 * per frame, NaN rows for null).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { parseConfig } from '../src/config/schema.js';
import type { FaceDetector } from '../src/detectors/contract.js';
import { FaceSampler } from '../src/detectors/rppg/face-sampler.js';
import { REGION_NAMES } from '../src/detectors/rppg/layout.js';
import type { RegionSample } from '../src/detectors/rppg/regions.js';
import { openSource, pullFrames } from '../src/ingest/index.js';
import { FaceStage } from '../src/pipeline/face-stage.js';

export const CELLS = 32;
const REGIONS = REGION_NAMES.length;
/** cellRgb (3·cells) + cellSkin (cells) + regionRgb (3·regions) + regionSkin (regions). */
export const SAMPLE_WIDTH = 4 * CELLS + 4 * REGIONS;

export interface Trace {
  readonly name: string;
  readonly ptsMs: readonly number[];
  readonly samples: readonly (RegionSample | null)[];
  readonly meta: TraceMeta;
}

export interface TraceMeta {
  readonly source: string;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly framesWithSample: number;
  readonly tracks: number;
  readonly medianFacePx: number;
}

export function packSample(s: RegionSample, out: Float32Array, offset: number): void {
  out.set(s.cellRgb, offset);
  out.set(s.cellSkin, offset + 3 * CELLS);
  out.set(s.regionRgb, offset + 4 * CELLS);
  out.set(s.regionSkin, offset + 4 * CELLS + 3 * REGIONS);
}

export function unpackSample(data: Float32Array, offset: number): RegionSample | null {
  const row = data.subarray(offset, offset + SAMPLE_WIDTH);
  if (row.every((v) => Number.isNaN(v))) return null;
  const regionSkin = row.slice(4 * CELLS + 3 * REGIONS, SAMPLE_WIDTH);
  return {
    cellRgb: row.slice(0, 3 * CELLS),
    cellSkin: row.slice(3 * CELLS, 4 * CELLS),
    regionRgb: row.slice(4 * CELLS, 4 * CELLS + 3 * REGIONS),
    regionSkin,
    skinFraction: regionSkin[0] as number,
  };
}

/** Runs the face stage and the sampler over a clip and keeps the main track's samples. */
export async function extractTrace(path: string, name: string, detector: FaceDetector, analysisWidth = 640): Promise<Trace> {
  const config = parseConfig({ analysis: { width: analysisWidth } });
  const source = await openSource(path, { streamId: name, analysisWidth });
  const stage = new FaceStage(detector, { ...config.faces, tracker: config.faces.tracker });
  const samplers = new Map<number, FaceSampler>();
  const rows = await lastValueFrom(
    pullFrames(source, async (frame) => {
      const r = await stage.process(frame);
      for (const id of r.ended) samplers.delete(id);
      const byTrack = new Map<number, { sample: RegionSample; facePx: number }>();
      for (const f of r.faces) {
        if (Math.min(f.box.w, f.box.h) < config.faces.minFaceSize) continue;
        let sampler = samplers.get(f.trackId);
        if (!sampler) samplers.set(f.trackId, (sampler = new FaceSampler()));
        byTrack.set(f.trackId, { sample: sampler.sample(frame, f), facePx: Math.max(f.box.w, f.box.h) });
      }
      return { ptsMs: frame.ptsMs, byTrack };
    }).pipe(toArray()),
  );
  const counts = new Map<number, number>();
  for (const r of rows) for (const id of r.byTrack.keys()) counts.set(id, (counts.get(id) ?? 0) + 1);
  const main = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? -1;
  const sizes: number[] = [];
  const samples = rows.map((r) => {
    const hit = r.byTrack.get(main);
    if (hit) sizes.push(hit.facePx);
    return hit?.sample ?? null;
  });
  sizes.sort((a, b) => a - b);
  return {
    name,
    ptsMs: rows.map((r) => r.ptsMs),
    samples,
    meta: {
      source: path,
      width: source.width,
      height: source.height,
      frames: rows.length,
      framesWithSample: sizes.length,
      tracks: counts.size,
      medianFacePx: sizes.length ? (sizes[Math.floor(sizes.length / 2)] as number) : 0,
    },
  };
}

export function saveTrace(dir: string, trace: Trace): void {
  mkdirSync(dir, { recursive: true });
  const data = new Float32Array(trace.samples.length * SAMPLE_WIDTH).fill(NaN);
  trace.samples.forEach((s, i) => {
    if (s) packSample(s, data, i * SAMPLE_WIDTH);
  });
  writeFileSync(join(dir, `${trace.name}.f32`), Buffer.from(data.buffer));
  writeFileSync(join(dir, `${trace.name}.json`), JSON.stringify({ meta: trace.meta, ptsMs: trace.ptsMs }));
}

export function loadTrace(dir: string, name: string): Trace | null {
  const json = join(dir, `${name}.json`);
  const bin = join(dir, `${name}.f32`);
  if (!existsSync(json) || !existsSync(bin)) return null;
  const { meta, ptsMs } = JSON.parse(readFileSync(json, 'utf8')) as { meta: TraceMeta; ptsMs: number[] };
  const buf = readFileSync(bin);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const samples = ptsMs.map((_, i) => unpackSample(data, i * SAMPLE_WIDTH));
  return { name, ptsMs, samples, meta };
}
