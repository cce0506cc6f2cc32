import type { Frame } from '../core/frame.js';
import type { FaceResult, FrameResult } from '../pipeline/frame-result-schema.js';
import { frameScores } from './human-report.js';

/**
 * Keeps, while an analysis runs, the pictures the printable report shows: for each one-second
 * window the frame with the highest score, for at most `keep` windows (those with the highest
 * mean score, as `topMoments` ranks them), so memory stays bounded on long inputs. A photo keeps
 * its first presentation. The kept frames' seqs are the moments' `peakSeq`s.
 */
interface Window {
  readonly k: number;
  sum: number;
  n: number;
  best: { score: number; frame: Frame; faces: readonly FaceResult[] } | null;
}

export class ThumbnailKeeper {
  private readonly windows = new Map<number, Window>();
  private first: { frame: Frame; faces: readonly FaceResult[] } | null = null;

  constructor(
    private readonly weights: Readonly<Record<string, number>>,
    private readonly keep = 3,
    private readonly windowMs = 1000,
  ) {}

  add(frame: Frame, result: FrameResult): void {
    if (!this.first && result.faces.length > 0) this.first = { frame, faces: result.faces };
    const [score] = frameScores([result], this.weights);
    if (!score) return;
    const k = Math.floor(result.ptsMs / this.windowMs);
    let w = this.windows.get(k);
    if (!w) {
      this.evict();
      w = { k, sum: 0, n: 0, best: null };
      this.windows.set(k, w);
    }
    w.sum += score.score;
    w.n++;
    if (!w.best || score.score > w.best.score) w.best = { score: score.score, frame, faces: result.faces };
  }

  /** Finished windows beyond `keep`: drop the lowest mean (the newest window may still change). */
  private evict(): void {
    while (this.windows.size > this.keep) {
      let worst: Window | null = null;
      for (const w of this.windows.values()) if (!worst || w.sum / w.n < worst.sum / worst.n) worst = w;
      this.windows.delete((worst as Window).k);
    }
  }

  /** The kept frames, in time order, with their faces. */
  frames(): { frame: Frame; faces: readonly FaceResult[] }[] {
    const kept = [...this.windows.values()].sort((a, b) => a.k - b.k).flatMap((w) => (w.best ? [{ frame: w.best.frame, faces: w.best.faces }] : []));
    return kept.length ? kept : this.first ? [this.first] : [];
  }
}
