import type { TrackedFace } from '../../core/face.js';
import type { DetectorOutput } from '../contract.js';
import type { WindowReset } from './sample-window.js';

/**
 * The per-track state of a biological-signal detector (rPPG, motion): each face track keeps its
 * own sampler and sliding window, the count of windows analysed (which seeds the Monte Carlo noise
 * of the next one) and the output of its latest window, which every frame of the track reports
 * until a newer window replaces it. State is made on a track's first face and freed when it ends.
 */
export interface TrackState {
  /** Windows analysed so far (seeds the MC noise of the next one). */
  analysed: number;
  latest: DetectorOutput;
}

export class TrackStates<S extends TrackState> {
  private readonly tracks = new Map<number, S>();

  constructor(private readonly create: () => S) {}

  /** The state of track `id`, made on its first face. */
  of(id: number): S {
    let s = this.tracks.get(id);
    if (!s) {
      s = this.create();
      this.tracks.set(id, s);
    }
    return s;
  }

  /** A track ended: its state goes. */
  end(id: number): void {
    this.tracks.delete(id);
  }

  clear(): void {
    this.tracks.clear();
  }

  /** Tracks with state. */
  get size(): number {
    return this.tracks.size;
  }

  /** The latest output of each face's track (each face was given to `of` on this frame). */
  latest(faces: readonly TrackedFace[]): ReadonlyMap<number, DetectorOutput> {
    return new Map(faces.map((f) => [f.trackId, (this.tracks.get(f.trackId) as S).latest]));
  }
}

/** A window due for the classifier: its track, what to ask, and what the answer is made from. */
export interface DueWindow {
  readonly state: TrackState;
  readonly request: unknown;
}

/**
 * Scores the windows due on this frame in one classifier call (none: no call) and makes each
 * score its track's latest output.
 */
export async function scoreDue<D extends DueWindow, S>(
  due: readonly D[],
  score: (requests: readonly D['request'][]) => Promise<readonly S[]>,
  output: (window: D, score: S) => DetectorOutput,
): Promise<void> {
  if (due.length === 0) return;
  const scores = await score(due.map((d) => d.request));
  due.forEach((d, i) => {
    const s = scores[i];
    if (s !== undefined) d.state.latest = output(d, s);
  });
}

/** No answer on this face-frame, with why and the window's numbers when there are some. */
export function insufficientOutput(reason: string, measurements?: Record<string, number | null>): DetectorOutput {
  return { state: 'insufficient', pFake: null, uncertainty: null, reason, ...(measurements ? { measurements } : {}) };
}

const percent = (x: number): number => Math.floor(Math.max(0, Math.min(1, x)) * 10) * 10;

/** The reason of a window still filling: how full, in tens of percent, and whether it restarted after losing the face. */
export function fillingReason(fill: number, lastReset: WindowReset | null): string {
  const restarted = lastReset === 'face-lost' || lastReset === 'gap' ? ' after the face was lost' : '';
  return `window filling${restarted} (${percent(fill)} %)`;
}
