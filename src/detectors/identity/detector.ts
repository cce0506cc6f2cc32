import * as ort from 'onnxruntime-node';
import type { Detector, DetectorInput, DetectorOutput } from '../contract.js';
import { fillingReason, insufficientOutput, type TrackState } from '../biological/tracks.js';
import { WindowedDetector } from '../biological/windowed-detector.js';
import { writeAlignedInput } from '../blind/preprocess.js';
import { createPrng } from '../mc/prng.js';
import type { IdentityModel } from './manifest.js';
import { bootstrapSteadiness, mean, pairCosines, unitVector } from './steadiness.js';
import { DescriptorWindow } from './window.js';

interface IdentityTrack extends TrackState {
  readonly window: DescriptorWindow;
}

export interface IdentityDetectorOptions {
  /** Bootstrap resamples of the window's pairs behind each output (its Monte Carlo samples). */
  readonly samples: number;
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * The identity-steadiness detector: about every 100 ms of each face track, the face's aligned crop
 * goes through a face-identity network (all due faces of a frame in one ONNX call); the cosine of
 * consecutive descriptors, averaged over the track's window, is its consistency, mapped to p(fake)
 * (steadiness.ts). Between samples a track reports its latest window. Temporal, so it does not apply
 * to stills (family `biological`, with rPPG and motion).
 */
export class IdentityDetector extends WindowedDetector<IdentityTrack> implements Detector {
  private readonly scratch: Uint8Array;

  constructor(
    name: string,
    private readonly model: IdentityModel,
    private readonly o: IdentityDetectorOptions,
    seed: number,
  ) {
    super(name, seed, 'identity');
    this.scratch = new Uint8Array(model.input.size * model.input.size * 3);
  }

  protected newTrack(): IdentityTrack {
    return { window: new DescriptorWindow(this.model.manifest.window), analysed: 0, latest: insufficientOutput(fillingReason(0, null)) };
  }

  private async descriptors(input: DetectorInput, faces: DetectorInput['faces']): Promise<Float32Array> {
    const s = this.model.input.size;
    const image = new Float32Array(faces.length * 3 * s * s);
    faces.forEach((f, i) => writeAlignedInput(input.frame, f.landmarks, this.model.input, image, i, this.scratch));
    const name = this.model.manifest.input.name;
    const out = await this.model.session.run({ [name]: new ort.Tensor('float32', image, [faces.length, 3, s, s]) }, { handOver: true });
    return out[this.model.manifest.output.name]?.data as Float32Array;
  }

  async warmup(): Promise<void> {
    const s = this.model.input.size;
    const frame = { streamId: 'warmup', seq: 0, ptsMs: 0, width: s, height: s, data: new Uint8Array(s * s * 3) };
    const p = (x: number, y: number) => ({ x, y });
    const landmarks = { leftEye: p(0.32 * s, 0.4 * s), rightEye: p(0.68 * s, 0.4 * s), noseTip: p(s / 2, 0.55 * s), mouth: p(s / 2, 0.75 * s), leftEar: p(0.1 * s, s / 2), rightEar: p(0.9 * s, s / 2) };
    const face = { trackId: 0, box: { x: 0, y: 0, w: s, h: s }, landmarks, score: 1, source: 'detected' as const, age: 0 };
    await this.descriptors({ frame, faces: [face] }, [face]);
  }

  async infer(input: DetectorInput): Promise<ReadonlyMap<number, DetectorOutput>> {
    const t = input.frame.ptsMs;
    const due = input.faces.filter((f) => this.tracks.of(f.trackId).window.due(t));
    if (due.length > 0) {
      const desc = await this.descriptors(input, due);
      const { dim, manifest } = this.model;
      due.forEach((face, i) => {
        const state = this.tracks.of(face.trackId);
        const samples = state.window.push({ ptsMs: t, unit: unitVector(desc.subarray(i * dim, (i + 1) * dim)) });
        state.latest = this.output(pairCosines(samples, manifest.window.maxGapMs), samples.length, face.trackId, state);
      });
    }
    return this.tracks.latest(input.faces);
  }

  private output(cosines: readonly number[], held: number, trackId: number, state: IdentityTrack): DetectorOutput {
    const w = this.model.manifest.window;
    const fill = Math.min(1, cosines.length / w.minPairs);
    const measurements = { descriptors: held, pairs: cosines.length, ...(cosines.length ? { consistency: round4(mean(cosines)) } : {}) };
    if (cosines.length < w.minPairs) return insufficientOutput(fillingReason(fill, null), measurements);
    const stats = bootstrapSteadiness(cosines, this.model.manifest.map, this.o.samples, createPrng(this.nextWindowSeed(trackId, state)));
    if (!stats) return insufficientOutput(fillingReason(fill, null), measurements);
    return { state: 'ok', pFake: stats.mean, uncertainty: stats, measurements: { ...measurements, tEff: stats.samples } };
  }
}
