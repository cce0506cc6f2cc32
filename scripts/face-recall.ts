/**
 * Face recall on a media folder with a manifest.tsv (every frame of those clips shows one face):
 * recall = frames with a face reported ÷ frames. Runs the face stage twice per clip — with the
 * default cadence (detection every `faces.detectEvery` frames, the tracker predicting in between)
 * and with detection on every frame (the detector's own recall) — and writes a markdown table.
 *
 *   node dist/scripts/face-recall.js --media ../shared/media --out docs/face-recall.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lastValueFrom, toArray } from 'rxjs';
import { parseConfig } from '../src/config/schema.js';
import { createFaceDetector } from '../src/detectors/face/face-detector.js';
import type { FaceDetector } from '../src/detectors/contract.js';
import { loadFaceDetectorManifest } from '../src/detectors/face/manifest.js';
import { createOnnxSessionFactory } from '../src/detectors/onnx/session.js';
import { openSource, pullFrames } from '../src/ingest/index.js';
import { FaceStage } from '../src/pipeline/face-stage.js';

const { values } = parseArgs({
  options: {
    media: { type: 'string', default: '../shared/media' },
    out: { type: 'string', default: 'docs/face-recall.md' },
    width: { type: 'string', default: '640' },
  },
});

interface RunStats {
  frames: number;
  withFace: number;
  detectedFrames: number;
  multiFace: number;
  tracks: number;
  calls: number;
  minFacePx: number;
}

async function run(file: string, detector: FaceDetector, detectEvery: number): Promise<RunStats & { size: string }> {
  const config = parseConfig({ faces: { detectEvery } });
  const source = await openSource(file, { streamId: 'recall', analysisWidth: Number(values.width) });
  const stage = new FaceStage(detector, { ...config.faces, tracker: config.faces.tracker });
  const rows = await lastValueFrom(pullFrames(source, (f) => stage.process(f)).pipe(toArray()));
  const ids = new Set<number>();
  const s: RunStats = { frames: rows.length, withFace: 0, detectedFrames: 0, multiFace: 0, tracks: 0, calls: 0, minFacePx: Infinity };
  for (const r of rows) {
    s.calls += r.detectorCalls;
    if (r.faces.length > 0) s.withFace++;
    if (r.faces.some((f) => f.source === 'detected')) s.detectedFrames++;
    if (r.faces.length > 1) s.multiFace++;
    for (const f of r.faces) {
      ids.add(f.trackId);
      s.minFacePx = Math.min(s.minFacePx, Math.max(f.box.w, f.box.h));
    }
  }
  s.tracks = ids.size;
  return { ...s, size: `${source.info.displayWidth}×${source.info.displayHeight} → ${source.width}×${source.height}` };
}

async function main(): Promise<void> {
  const media = values.media as string;
  const rows = readFileSync(join(media, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const sessions = createOnnxSessionFactory({ executionProvider: 'cpu', intraOpThreads: 1 });
  const detector = await createFaceDetector(loadFaceDetectorManifest('blazeface-back-256'), sessions);
  await detector.warmup();
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)} %`;
  const lines = [
    '| clip | notes | size (source → analysis) | frames | recall, default cadence | recall, detection every frame | frames with > 1 face | tracks | smallest face (px) | detector calls / frame |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  let sumFrames = 0;
  let sumFound = 0;
  for (const [file, , , notes] of rows) {
    const path = join(media, file as string);
    const every = await run(path, detector, 1);
    const cadence = await run(path, detector, parseConfig({}).faces.detectEvery);
    sumFrames += every.frames;
    sumFound += every.detectedFrames;
    lines.push(
      `| ${file} | ${(notes ?? '').split(';')[0]?.slice(0, 48)} | ${every.size} | ${every.frames} | ${pct(cadence.withFace, cadence.frames)} | ${pct(every.detectedFrames, every.frames)} | ${every.multiFace} | ${every.tracks} | ${Math.round(every.minFacePx)} | ${(cadence.calls / Math.max(1, cadence.frames)).toFixed(2)} |`,
    );
    process.stdout.write(`${lines[lines.length - 1]}\n`);
  }
  lines.push('', `All clips, detection every frame: ${sumFound}/${sumFrames} frames = ${pct(sumFound, sumFrames)}.`);
  writeFileSync(values.out as string, `${lines.join('\n')}\n`);
  await sessions.releaseAll();
}

main().catch((e: unknown) => {
  process.stderr.write(`face-recall: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
