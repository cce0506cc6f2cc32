import type { DetectorOutput } from '../detectors/contract.js';
import type { FrameResult } from './frame-result-schema.js';
import { StatsPool } from '../core/uncertainty.js';
import type { VideoScore } from './verdict.js';
import { poolScore } from './verdict.js';

/**
 * Features of the uncertainty manifold over a segment (a clip, a track, a window of frames): the
 * input of source attribution (`attribution.ts`) and of the evaluation's feature tables.
 *
 * Per detector `d` (names are `d.<feature>`):
 *   pFake, std, entropy, aleatoric, epistemic   pooled over the segment's `ok` outputs
 *   frameStd                                     spread of per-frame p(fake) (temporal instability)
 *   okFraction                                   ok / (ok + insufficient)
 *   attr.<class>                                 mean source-attribution probability, if any
 *   attrEpistemic                                mean epistemic part of the attribution, if any
 *   region.<r>.pFake, region.<r>.epistemic       mean region statistics, if any
 *   m.<measurement>                              mean of each finite scalar measurement (rPPG SNR…)
 * A feature the segment has no evidence for is absent (not 0): consumers impute it.
 * Accumulation is O(1) memory per detector and feature; the same code serves the runtime report
 * and the training/evaluation scripts, so features mean the same everywhere.
 */
export type SegmentFeatures = Readonly<Record<string, number>>;

class Mean {
  sum = 0;
  n = 0;
  add(x: number): void {
    if (Number.isFinite(x)) {
      this.sum += x;
      this.n++;
    }
  }
  get value(): number | null {
    return this.n > 0 ? this.sum / this.n : null;
  }
}

interface DetectorAcc {
  pool: StatsPool;
  pSum: number;
  pSq: number;
  ok: number;
  insufficient: number;
  named: Map<string, Mean>;
}

export class SegmentAccumulator {
  private readonly acc = new Map<string, DetectorAcc>();
  private frames = 0;

  /** Adds every face of a frame result (all tracks), or only `trackId`'s face when given. */
  addFrame(r: FrameResult, trackId?: number): void {
    this.frames++;
    for (const f of r.faces) {
      if (trackId !== undefined && f.trackId !== trackId) continue;
      for (const [name, out] of Object.entries(f.detectors)) this.addOutput(name, out);
    }
  }

  addOutput(name: string, out: DetectorOutput): void {
    if (out.state === 'skipped') return;
    let a = this.acc.get(name);
    if (!a) {
      a = { pool: new StatsPool(), pSum: 0, pSq: 0, ok: 0, insufficient: 0, named: new Map() };
      this.acc.set(name, a);
    }
    const mean = (key: string, x: number): void => {
      let m = a.named.get(key);
      if (!m) a.named.set(key, (m = new Mean()));
      m.add(x);
    };
    if (out.measurements) for (const [k, v] of Object.entries(out.measurements)) if (v !== null) mean(`m.${k}`, v);
    if (out.state !== 'ok' || !out.uncertainty) {
      a.insufficient++;
      return;
    }
    a.ok++;
    a.pool.add(out.uncertainty);
    a.pSum += out.uncertainty.mean;
    a.pSq += out.uncertainty.mean * out.uncertainty.mean;
    if (out.attribution) {
      out.attribution.classes.forEach((c, i) => mean(`attr.${c}`, out.attribution?.probabilities[i] ?? NaN));
      mean('attrEpistemic', out.attribution.epistemic);
    }
    if (out.regions) {
      for (const [r, s] of Object.entries(out.regions)) {
        mean(`region.${r}.pFake`, s.mean);
        mean(`region.${r}.epistemic`, s.epistemic);
      }
    }
  }

  get frameCount(): number {
    return this.frames;
  }

  /** Video-level score of one detector over the segment (as the report computes it). */
  score(name: string): VideoScore {
    const a = this.acc.get(name);
    return a ? poolScore(a.pool) : { pFake: null, uncertainty: null, evidenceFrames: 0 };
  }

  /** Answered and unanswered (insufficient) outputs of one detector. */
  counts(name: string): { readonly ok: number; readonly insufficient: number } {
    const a = this.acc.get(name);
    return { ok: a?.ok ?? 0, insufficient: a?.insufficient ?? 0 };
  }

  features(): SegmentFeatures {
    const out: Record<string, number> = {};
    for (const [name, a] of this.acc) {
      const total = a.ok + a.insufficient;
      if (total > 0) out[`${name}.okFraction`] = a.ok / total;
      const pooled = a.pool.stats();
      if (pooled) {
        out[`${name}.pFake`] = pooled.mean;
        out[`${name}.std`] = pooled.std;
        out[`${name}.entropy`] = pooled.entropy;
        out[`${name}.aleatoric`] = pooled.aleatoric;
        out[`${name}.epistemic`] = pooled.epistemic;
        const m = a.pSum / a.ok;
        out[`${name}.frameStd`] = Math.sqrt(Math.max(0, a.pSq / a.ok - m * m));
      }
      for (const [k, m] of a.named) if (m.value !== null) out[`${name}.${k}`] = m.value;
    }
    return out;
  }
}

/** Accumulators of consecutive windows of `size` frames (a last window shorter than size/2 is dropped). */
export function windowAccumulators(frames: readonly FrameResult[], size: number, trackId?: number): SegmentAccumulator[] {
  const out: SegmentAccumulator[] = [];
  for (let start = 0; start < frames.length; start += size) {
    const part = frames.slice(start, start + size);
    if (part.length < size / 2 && out.length > 0) break;
    const acc = new SegmentAccumulator();
    for (const r of part) acc.addFrame(r, trackId);
    out.push(acc);
  }
  return out;
}
