import * as ort from 'onnxruntime-node';
import type { FaceDetector } from '../contract.js';
import type { OnnxSessionFactory } from '../onnx/session.js';
import { blazeFaceAnchors } from './anchors.js';
import { decodeCandidates, toDetection, weightedNms } from './decode.js';
import { fillLetterboxed } from './letterbox.js';
import type { FaceDetectorManifest } from './manifest.js';

/** BlazeFace behind the face-detection contract (`FaceDetector` in ../contract.ts). */
export async function createFaceDetector(
  manifest: FaceDetectorManifest,
  sessions: OnnxSessionFactory,
): Promise<FaceDetector> {
  const session = await sessions.create(manifest.file);
  const size = manifest.input.size;
  const anchors = blazeFaceAnchors(size, manifest.anchors);
  const anchorCount = anchors.length / 2;
  // Each call fills a fresh input and hands it over to the session (a worker-backed one transfers
  // it to its thread instead of copying ~0.8 MB per call; concurrent analyses share this detector).

  const run = async (nhwc: Float32Array): Promise<{ scores: Float32Array; regs: Float32Array }> => {
    let data = nhwc;
    const nchw = manifest.input.layout === 'NCHW' ? new Float32Array(size * size * 3) : null;
    if (nchw) {
      const plane = size * size;
      for (let i = 0; i < plane; i++) {
        nchw[i] = nhwc[3 * i] as number;
        nchw[plane + i] = nhwc[3 * i + 1] as number;
        nchw[2 * plane + i] = nhwc[3 * i + 2] as number;
      }
      data = nchw;
    }
    const dims = nchw ? [1, 3, size, size] : [1, size, size, 3];
    const result = await session.run({ [manifest.input.name]: new ort.Tensor('float32', data, dims) }, { handOver: true });
    const scores = new Float32Array(anchorCount);
    const regs = new Float32Array(anchorCount * 16);
    let s = 0;
    let r = 0;
    manifest.outputs.scores.forEach((name, k) => {
      const sc = result[name]?.data as Float32Array | undefined;
      const rg = result[manifest.outputs.regressors[k] as string]?.data as Float32Array | undefined;
      if (!sc || !rg) throw new Error(`face detector ${manifest.name}: missing output ${name}`);
      scores.set(sc, s);
      regs.set(rg, r);
      s += sc.length;
      r += rg.length;
    });
    if (s !== anchorCount) {
      throw new Error(`face detector ${manifest.name}: ${s} scores for ${anchorCount} anchors`);
    }
    return { scores, regs };
  };

  return {
    name: manifest.name,
    inputSize: size,
    async warmup() {
      await run(new Float32Array(size * size * 3));
    },
    async detect(frame, area, minScore) {
      const roi = area ?? { x: 0, y: 0, w: frame.width, h: frame.height };
      const nhwc = new Float32Array(size * size * 3);
      const lb = fillLetterboxed(frame.data, frame.width, frame.height, roi, size, nhwc);
      const { scores, regs } = await run(nhwc);
      const candidates = decodeCandidates(scores, regs, anchors, minScore ?? manifest.scoreThreshold);
      return weightedNms(candidates, manifest.nmsIou).map((c) => toDetection(c, lb));
    },
    async dispose() {
      // The session belongs to the session factory, which may share it; nothing to free here.
    },
  };
}
