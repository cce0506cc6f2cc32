import type { PpgMap } from './features.js';

/** Row content for one cell: its pulse and its band power profile, or null when missing. */
export interface CellSpectra {
  readonly signal: ArrayLike<number>;
  readonly psd: ArrayLike<number>;
}

/** z-score clip: a single motion spike must not squash the rest of the row to zero. */
const Z_CLIP = 3;

/** Builds the map (layout documented on {@link PpgMap}). All present rows must have equal lengths. */
export function buildPpgMap(cells: readonly (CellSpectra | null)[], signalLength: number, psdBins: number): PpgMap {
  const rows = cells.length;
  const cols = signalLength + psdBins;
  const data = new Float32Array(rows * cols);
  const cellValid = new Uint8Array(rows);
  cells.forEach((cell, r) => {
    if (!cell) return;
    if (cell.signal.length !== signalLength || cell.psd.length !== psdBins) {
      throw new RangeError(`cell ${r}: expected ${signalLength} + ${psdBins} values`);
    }
    const base = r * cols;
    let m = 0;
    for (let i = 0; i < signalLength; i++) m += cell.signal[i] as number;
    m /= signalLength;
    let v = 0;
    for (let i = 0; i < signalLength; i++) v += ((cell.signal[i] as number) - m) ** 2;
    const sd = Math.sqrt(v / signalLength);
    let peak = 0;
    for (let i = 0; i < psdBins; i++) peak = Math.max(peak, cell.psd[i] as number);
    if (!(sd > 0) || !(peak > 0)) return; // a flat cell carries nothing: leave it marked missing
    for (let i = 0; i < signalLength; i++) {
      const z = ((cell.signal[i] as number) - m) / sd;
      data[base + i] = Math.max(-Z_CLIP, Math.min(Z_CLIP, z)) / Z_CLIP;
    }
    for (let i = 0; i < psdBins; i++) data[base + signalLength + i] = (cell.psd[i] as number) / peak;
    cellValid[r] = 1;
  });
  return { rows, cols, signalLength, psdBins, data, cellValid };
}
