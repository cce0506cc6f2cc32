/**
 * Temporal Monte Carlo sampling: each frame of a track contributes k samples; the last W frames'
 * samples are pooled, so a result stands on T_eff = k·W samples at the cost of k per frame.
 * Holds, per track, a ring of the last W frames' sample blocks (each block any fixed length:
 * k fake probabilities, or k·cells dense probabilities, …). Pure data structure, no I/O.
 */
export class TemporalPool {
  private readonly tracks = new Map<number, Float32Array[]>();

  constructor(readonly window: number) {
    if (!(Number.isInteger(window) && window >= 1)) throw new RangeError(`window must be a positive integer, got ${window}`);
  }

  /** Adds a frame's block for `trackId` and returns the pooled blocks, oldest first. */
  push(trackId: number, block: Float32Array): readonly Float32Array[] {
    let ring = this.tracks.get(trackId);
    if (!ring) {
      ring = [];
      this.tracks.set(trackId, ring);
    }
    ring.push(block);
    if (ring.length > this.window) ring.shift();
    return ring;
  }

  get(trackId: number): readonly Float32Array[] {
    return this.tracks.get(trackId) ?? [];
  }

  end(trackId: number): void {
    this.tracks.delete(trackId);
  }

  get size(): number {
    return this.tracks.size;
  }
}
