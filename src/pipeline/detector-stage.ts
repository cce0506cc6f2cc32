import type { Detector, DetectorOutput } from '../detectors/contract.js';
import { describeError } from '../errors.js';
import type { Frame } from '../core/frame.js';
import type { TrackedFace } from '../core/face.js';

/**
 * Secondary stage: runs every detector on the tracked faces of a frame. Faces smaller than
 * `minFaceSize` are skipped (their results say so). Detectors run concurrently — ONNX Runtime
 * executes in its worker threads (`runtime.workers`), off the JS thread — and a detector that throws on a frame yields an `insufficient`
 * output with the reason instead of stopping the analysis. On a still image, detectors that need
 * time (any family but `blind`: the pulse, motion) do not run; their outputs are `skipped` with
 * the reason `NOT_APPLICABLE_TO_STILLS`.
 */
export const NOT_APPLICABLE_TO_STILLS = 'not applicable to a still image';

/** Whether a detector family can say anything about a single picture. */
export function appliesToStills(family: Detector['family']): boolean {
  return family === 'blind';
}

export class DetectorStage {
  private errors = 0;

  private readonly detectors: readonly Detector[];
  private readonly notApplicable: readonly Detector[];

  constructor(
    detectors: readonly Detector[],
    private readonly minFaceSize: number,
    options: { readonly still?: boolean } = {},
  ) {
    this.detectors = options.still ? detectors.filter((d) => appliesToStills(d.family)) : detectors;
    this.notApplicable = options.still ? detectors.filter((d) => !appliesToStills(d.family)) : [];
  }

  get errorCount(): number {
    return this.errors;
  }

  async process(
    frame: Frame,
    faces: readonly TrackedFace[],
    ended: readonly number[],
  ): Promise<Map<number, Record<string, DetectorOutput>>> {
    for (const id of ended) for (const d of this.detectors) d.endTrack(id);
    const skipped: DetectorOutput = { state: 'skipped', pFake: null, uncertainty: null, reason: NOT_APPLICABLE_TO_STILLS };
    const out = new Map<number, Record<string, DetectorOutput>>(faces.map((f) => [f.trackId, Object.fromEntries(this.notApplicable.map((d) => [d.name, skipped]))]));
    if (this.detectors.length === 0) return out;
    const eligible = faces.filter((f) => Math.min(f.box.w, f.box.h) >= this.minFaceSize);
    for (const f of faces) {
      if (eligible.includes(f)) continue;
      const tooSmall: DetectorOutput = { state: 'insufficient', pFake: null, uncertainty: null, reason: 'face too small' };
      const rec = out.get(f.trackId) as Record<string, DetectorOutput>;
      for (const d of this.detectors) rec[d.name] = tooSmall;
    }
    if (eligible.length === 0) return out;
    await Promise.all(
      this.detectors.map(async (d) => {
        let results: ReadonlyMap<number, DetectorOutput>;
        try {
          results = await d.infer({ frame, faces: eligible });
        } catch (e) {
          this.errors++;
          const failed: DetectorOutput = {
            state: 'insufficient',
            pFake: null,
            uncertainty: null,
            reason: `detector error: ${describeError(e)}`,
          };
          results = new Map(eligible.map((f) => [f.trackId, failed]));
        }
        for (const f of eligible) {
          const r = results.get(f.trackId) ?? { state: 'insufficient', pFake: null, uncertainty: null, reason: 'no output' };
          (out.get(f.trackId) as Record<string, DetectorOutput>)[d.name] = r;
        }
      }),
    );
    return out;
  }

  endAll(ids: readonly number[]): void {
    for (const id of ids) for (const d of this.detectors) d.endTrack(id);
  }
}
