/**
 * Extracts landmark-aligned face crops from the clips and photos of one or more media folders for
 * training (models/training). Every detected face (not only the largest) of every analysed frame,
 * with its track id, so fake clips that also show untouched people can be labelled per face
 * (models/training/face_labels.py).
 *
 *   node dist/scripts/extract-crops.js --media ../shared/media,../shared/corpus \
 *       --out models/training/cache/faces --fps 10 --size 192 --margin 32
 *
 * A crop is `size + 2·margin` pixels a side: its central `size`×`size` square is exactly the
 * runtime's canonical crop (`src/core/align.ts`, eyes at (0.32, 0.40) and (0.68, 0.40) of
 * `size`), the margin leaves room for the training scripts' crop jitter and blending. Photos
 * (.jpg, .jpeg, .png, .webp) are decoded with sharp at the same analysis width and count as a clip
 * of one frame. index.jsonl has one line per crop (landmarks in crop pixels).
 *
 * The output folder is gitignored: research media and crops derived from them never enter the repo.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { lastValueFrom } from 'rxjs';
import { parseConfig } from '../src/config/schema.js';
import { createFaceDetector } from '../src/detectors/face/face-detector.js';
import { loadFaceDetectorManifest } from '../src/detectors/face/manifest.js';
import { createOnnxSessionFactory } from '../src/detectors/onnx/session.js';
import { openSource, pullFrames } from '../src/ingest/index.js';
import type { Frame } from '../src/core/frame.js';
import { alignmentTransform, landmarksInCrop, warpCrop } from '../src/core/align.js';
import type { SimilarityTransform } from '../src/core/align.js';
import { FaceStage } from '../src/pipeline/face-stage.js';
import type { FaceStageResult } from '../src/pipeline/face-stage.js';

const { values } = parseArgs({
  options: {
    media: { type: 'string', default: '../shared/media' },
    out: { type: 'string', default: 'models/training/cache/faces' },
    fps: { type: 'string', default: '10' },
    size: { type: 'string', default: '192' },
    margin: { type: 'string', default: '32' },
    width: { type: 'string', default: '640' },
    'min-face': { type: 'string', default: '40' },
    resume: { type: 'boolean', default: false },
  },
});
const out = values.out as string;
const size = Number(values.size);
const margin = Number(values.margin);
const full = size + 2 * margin;
const minFace = Number(values['min-face']);
const PHOTO = new Set(['.jpg', '.jpeg', '.png', '.webp']);

interface ManifestRow {
  readonly dir: string;
  readonly file: string;
  readonly label: string;
  readonly method: string;
}

function readManifest(dir: string): ManifestRow[] {
  const lines = readFileSync(join(dir, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [file, label, method] = l.split('\t');
    return { dir, file: file as string, label: label as string, method: method ?? '-' };
  });
}

/** The canonical transform shifted so the canonical crop sits in the middle of the larger one. */
function paddedTransform(t: SimilarityTransform): SimilarityTransform {
  return { a: t.a, b: t.b, tx: t.tx - (t.a * margin - t.b * margin), ty: t.ty - (t.b * margin + t.a * margin) };
}

async function photoFrame(path: string, clip: string, width: number): Promise<Frame> {
  const img = sharp(path).rotate().resize({ width, withoutEnlargement: true }).removeAlpha();
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { streamId: clip, seq: 0, ptsMs: 0, width: info.width, height: info.height, data: new Uint8Array(data) };
}

async function main(): Promise<void> {
  const config = parseConfig({ faces: { detectEvery: 1 } });
  const sessions = createOnnxSessionFactory(config.runtime);
  const detector = await createFaceDetector(loadFaceDetectorManifest(config.faces.model), sessions);
  await detector.warmup();
  const index = join(out, 'index.jsonl');
  if (!values.resume) rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const done = new Set(existsSync(index) ? readFileSync(index, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { clip: string }).clip) : []);
  const rows = (values.media as string).split(',').flatMap(readManifest);
  for (const row of rows) {
    const ext = extname(row.file).toLowerCase();
    const clip = basename(row.file, ext);
    if (done.has(clip)) continue;
    mkdirSync(join(out, clip), { recursive: true });
    const stage = new FaceStage(detector, { ...config.faces, tracker: config.faces.tracker });
    const pending: Promise<unknown>[] = [];
    let written = 0;
    const handle = async (frame: Frame, r: FaceStageResult): Promise<void> => {
      for (const face of r.faces) {
        if (face.source !== 'detected' || Math.max(face.box.w, face.box.h) < minFace) continue;
        const t = paddedTransform(alignmentTransform(face.landmarks, size));
        const crop = warpCrop(frame.data, frame.width, frame.height, t, full);
        const name = `${String(frame.seq).padStart(6, '0')}_t${face.trackId}.png`;
        pending.push(sharp(Buffer.from(crop), { raw: { width: full, height: full, channels: 3 } }).png().toFile(join(out, clip, name)));
        const lm = landmarksInCrop(face.landmarks, t);
        const pt = (p: { x: number; y: number }) => [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10];
        const line = {
          file: `${clip}/${name}`,
          clip,
          source: basename(row.dir),
          kind: PHOTO.has(ext) ? 'photo' : 'video',
          label: row.label,
          method: row.method,
          seq: frame.seq,
          ptsMs: Math.round(frame.ptsMs),
          trackId: face.trackId,
          faceBox: [Math.round(face.box.x), Math.round(face.box.y), Math.round(face.box.w), Math.round(face.box.h)],
          frameSize: [frame.width, frame.height],
          score: Math.round(face.score * 1000) / 1000,
          cropSize: full,
          canonicalSize: size,
          margin,
          landmarks: Object.fromEntries(Object.entries(lm).map(([k, p]) => [k, pt(p)])),
        };
        appendFileSync(index, `${JSON.stringify(line)}\n`);
        written++;
      }
    };
    try {
      if (PHOTO.has(ext)) {
        const frame = await photoFrame(join(row.dir, row.file), clip, Number(values.width));
        await handle(frame, await stage.process(frame));
      } else {
        const source = await openSource(join(row.dir, row.file), { streamId: clip, analysisWidth: Number(values.width), fps: Number(values.fps) });
        await lastValueFrom(pullFrames(source, async (frame) => handle(frame, await stage.process(frame))), { defaultValue: undefined });
      }
    } catch (e) {
      process.stderr.write(`${clip}: skipped (${e instanceof Error ? e.message : String(e)})\n`);
    }
    await Promise.all(pending);
    process.stdout.write(`${clip}: ${written} crops\n`);
  }
  await sessions.releaseAll();
}

main().catch((e: unknown) => {
  process.stderr.write(`extract-crops: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
