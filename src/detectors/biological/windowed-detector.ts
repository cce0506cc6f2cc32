import { deriveSeed } from '../mc/prng.js';
import { type TrackState, TrackStates } from './tracks.js';

/**
 * What the biological-signal detectors (rPPG, motion) are besides their sampler, window and
 * classifier: a detector of family `biological` holding one state per face track, freed when the
 * track ends or the detector is disposed, whose Monte Carlo noise is seeded per (seed, tag, name,
 * track, window) so every run repeats and a window's score does not depend on other tracks.
 */
export abstract class WindowedDetector<T extends TrackState> {
  readonly family = 'biological' as const;
  protected readonly tracks = new TrackStates<T>(() => this.newTrack());

  protected constructor(
    readonly name: string,
    private readonly seed: number,
    /** The detector's tag in the seed derivation ('rppg', 'motion'). */
    private readonly seedTag: string,
  ) {}

  /** A new track's state: its sampler, an empty window and the "window filling" output. */
  protected abstract newTrack(): T;

  /** The seed of the Monte Carlo noise of the track's next window (counts the window as analysed). */
  protected nextWindowSeed(trackId: number, state: T): number {
    return deriveSeed(this.seed, this.seedTag, this.name, trackId, state.analysed++);
  }

  endTrack(trackId: number): void {
    this.tracks.end(trackId);
  }

  async dispose(): Promise<void> {
    // The ONNX session belongs to the session factory (shared, released by the app).
    this.tracks.clear();
  }

  /** Tracks with state (for tests: ended tracks must be freed). */
  get trackCount(): number {
    return this.tracks.size;
  }
}
