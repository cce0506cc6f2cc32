/**
 * Extracts landmark-aligned face crops from the clips of a media folder for training
 * (models/training). One crop of the largest tracked face every `--every` frames, 192×192, with
 * the canonical eye positions of `src/pipeline/align.ts`, plus an index.jsonl line per crop.
 *
 *   node dist/scripts/extract-crops.js --media ../shared/media --out models/training/cache/crops --every 5
 *
 * The output folder is gitignored: research media and crops derived from them never enter the repo.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { parseConfig } from '../src/config.js';
import { createFaceDetector } from '../src/detectors/face/face-detector.js';
import { loadFaceDetectorManifest } from '../src/detectors/face/manifest.js';
import { createOnnxSessionFactory } from '../src/detectors/onnx/session.js';
import { lastValueFrom } from 'rxjs';
import { openSource, pullFrames } from '../src/ingest/index.js';
import { alignmentTransform, landmarksInCrop, warpCrop } from '../src/pipeline/align.js';
import { FaceStage } from '../src/pipeline/face-stage.js';

const { values } = parseArgs({
  options: {
    media: { type: 'string', default: '../shared/media' },
    out: { type: 'string', default: 'models/training/cache/crops' },
    every: { type: 'string', default: '5' },
    size: { type: 'string', default: '192' },
    width: { type: 'string', default: '640' },
  },
});
const media = values.media as string;
const out = values.out as string;
const every = Number(values.every);
const size = Number(values.size);

interface ManifestRow {
  file: string;
  label: string;
  method: string;
}

function readManifest(dir: string): ManifestRow[] {
  const lines = readFileSync(join(dir, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [file, label, method] = l.split('\t');
    return { file: file as string, label: (label as string).startsWith('real') ? 'real' : 'fake', method: method ?? '-' };
  });
}

async function main(): Promise<void> {
  const config = parseConfig({ faces: { detectEvery: 1 } });
  const sessions = createOnnxSessionFactory(config.runtime);
  const detector = await createFaceDetector(loadFaceDetectorManifest(config.faces.model), sessions);
  await detector.warmup();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const index = join(out, 'index.jsonl');
  for (const row of readManifest(media)) {
    const clip = basename(row.file, '.mp4');
    mkdirSync(join(out, clip), { recursive: true });
    const source = await openSource(join(media, row.file), { streamId: clip, analysisWidth: Number(values.width) });
    const stage = new FaceStage(detector, { ...config.faces, tracker: config.faces.tracker });
    let written = 0;
    const pending: Promise<unknown>[] = [];
    await lastValueFrom(
      pullFrames(source, async (frame) => {
        const r = await stage.process(frame);
        if (frame.seq % every !== 0) return;
        const face = [...r.faces].filter((f) => f.source === 'detected').sort((x, y) => y.box.w - x.box.w)[0];
        if (!face) return;
        const t = alignmentTransform(face.landmarks, size);
        const crop = warpCrop(frame.data, frame.width, frame.height, t, size);
        const name = `${String(frame.seq).padStart(6, '0')}.png`;
        pending.push(sharp(Buffer.from(crop), { raw: { width: size, height: size, channels: 3 } }).png().toFile(join(out, clip, name)));
        const lm = landmarksInCrop(face.landmarks, t);
        const pt = (p: { x: number; y: number }) => [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10];
        const line = {
          file: `${clip}/${name}`,
          clip,
          label: row.label,
          method: row.method,
          seq: frame.seq,
          ptsMs: Math.round(frame.ptsMs),
          trackId: face.trackId,
          landmarks: Object.fromEntries(Object.entries(lm).map(([k, p]) => [k, pt(p)])),
        };
        appendFileSync(index, `${JSON.stringify(line)}\n`);
        written++;
      }),
      { defaultValue: undefined },
    );
    await Promise.all(pending);
    process.stdout.write(`${clip}: ${written} crops\n`);
  }
  await sessions.releaseAll();
}

main().catch((e: unknown) => {
  process.stderr.write(`extract-crops: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
