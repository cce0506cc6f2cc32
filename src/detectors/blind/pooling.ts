import type { CategoricalUncertainty, UncertaintyStats } from '../../core/uncertainty.js';
import { sigmoid, summarizeCategorical, summarizeSamples } from '../../core/uncertainty.js';

/**
 * Turning raw model outputs of one face into sample blocks, and pooled blocks into statistics.
 * Pure functions over flat arrays.
 */

/** Calibrated fake probabilities of one face's k samples: sigmoid(logit / temperature). */
export function sampleProbabilities(logits: Float32Array, face: number, k: number, temperature: number): Float32Array {
  const out = new Float32Array(k);
  for (let t = 0; t < k; t++) out[t] = sigmoid((logits[face * k + t] as number) / temperature);
  return out;
}

/** One face's dense probabilities, sample-major: block[t·cells + c] = sigmoid(dense[face, t, c]). */
export function denseProbabilities(dense: Float32Array, face: number, k: number, cells: number): Float32Array {
  const out = new Float32Array(k * cells);
  const base = face * k * cells;
  for (let i = 0; i < k * cells; i++) out[i] = sigmoid(dense[base + i] as number);
  return out;
}

/** One face's per-sample softmax over K classes, sample-major. */
export function softmaxSamples(logits: Float32Array, face: number, k: number, classes: number): Float32Array {
  const out = new Float32Array(k * classes);
  for (let t = 0; t < k; t++) {
    const o = (face * k + t) * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[o + c] as number);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp((logits[o + c] as number) - max);
      out[t * classes + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) out[t * classes + c] = (out[t * classes + c] as number) / sum;
  }
  return out;
}

/** Statistics of pooled scalar sample blocks (T_eff = total length). */
export function pooledStats(blocks: readonly Float32Array[]): UncertaintyStats | null {
  let n = 0;
  for (const b of blocks) n += b.length;
  const all = new Float32Array(n);
  let o = 0;
  for (const b of blocks) {
    all.set(b, o);
    o += b.length;
  }
  return summarizeSamples(all);
}

/** Per-cell statistics of pooled dense blocks (each block k·cells, sample-major). */
export function pooledCellStats(blocks: readonly Float32Array[], cells: number): (UncertaintyStats | null)[] {
  const per: number[][] = Array.from({ length: cells }, () => []);
  for (const b of blocks) {
    const k = b.length / cells;
    for (let t = 0; t < k; t++) for (let c = 0; c < cells; c++) (per[c] as number[]).push(b[t * cells + c] as number);
  }
  return per.map((s) => summarizeSamples(s));
}

/** Statistics of a region: per sample, the mean probability over the region's cells. */
export function pooledRegionStats(blocks: readonly Float32Array[], cells: number, regionCells: readonly number[]): UncertaintyStats | null {
  const samples: number[] = [];
  for (const b of blocks) {
    const k = b.length / cells;
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (const c of regionCells) s += b[t * cells + c] as number;
      samples.push(s / regionCells.length);
    }
  }
  return summarizeSamples(samples);
}

/** Categorical statistics of pooled softmax blocks (each k·classes, sample-major). */
export function pooledCategorical(blocks: readonly Float32Array[], classes: number): CategoricalUncertainty | null {
  const samples: Float32Array[] = [];
  for (const b of blocks) for (let t = 0; t < b.length / classes; t++) samples.push(b.subarray(t * classes, (t + 1) * classes));
  return summarizeCategorical(samples);
}
