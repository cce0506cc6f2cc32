import type { Box } from '../../core/geometry.js';

/**
 * Letterboxing an area of a frame (a box in frame pixels) into a square network input: scale to
 * fit, centre, pad. `fillLetterboxed` writes NHWC float32 scaled to [-1, 1] (BlazeFace's
 * normalisation), padding −1.
 */
export interface Letterbox {
  /** Input pixels per source pixel. */
  readonly scale: number;
  readonly padX: number;
  readonly padY: number;
  /** Top-left corner (frame pixels) of the area that was letterboxed. */
  readonly srcX: number;
  readonly srcY: number;
}

export function letterboxFor(area: Box, size: number): Letterbox {
  const scale = size / Math.max(area.w, area.h);
  return {
    scale,
    padX: (size - area.w * scale) / 2,
    padY: (size - area.h * scale) / 2,
    srcX: area.x,
    srcY: area.y,
  };
}

/** Maps a point in network-input pixels back to frame pixels. */
export function toFrame(lb: Letterbox, x: number, y: number): { x: number; y: number } {
  return { x: (x - lb.padX) / lb.scale + lb.srcX, y: (y - lb.padY) / lb.scale + lb.srcY };
}

/**
 * Resamples `area` of a packed RGB frame into `out` (size×size×3, NHWC) with area averaging when
 * shrinking (a box filter over the source pixels each input pixel covers) — nearest-neighbour
 * subsampling aliases small faces away. Pixels outside the frame and the padding read −1.
 */
export function fillLetterboxed(
  data: Uint8Array,
  width: number,
  height: number,
  area: Box,
  size: number,
  out: Float32Array,
): Letterbox {
  const lb = letterboxFor(area, size);
  out.fill(-1);
  const inv = 1 / lb.scale;
  const x0 = Math.ceil(lb.padX - 1e-6);
  const y0 = Math.ceil(lb.padY - 1e-6);
  const x1 = Math.floor(size - lb.padX + 1e-6);
  const y1 = Math.floor(size - lb.padY + 1e-6);
  // Source span per input pixel; sample a small grid inside it (≤ 3×3) for an area average.
  // Tap positions depend only on the column (x) or the row (y): precompute both, −1 = outside.
  const taps = Math.min(3, Math.max(1, Math.round(inv)));
  const step = inv / taps;
  const colTaps = tapTable(x0, x1, lb.padX, area.x, inv, step, taps, width, 3);
  const rowTaps = tapTable(y0, y1, lb.padY, area.y, inv, step, taps, height, width * 3);
  const k = 1 / 127.5;
  if (taps === 3 && colTaps.every((c) => c >= 0) && rowTaps.every((r) => r >= 0)) {
    fillInside3(data, colTaps, rowTaps, x0, x1, y0, y1, size, k / 9, out);
    return lb;
  }
  for (let v = y0; v < y1; v++) {
    const rt = (v - y0) * taps;
    let o = (v * size + x0) * 3;
    for (let u = x0; u < x1; u++) {
      const ct = (u - x0) * taps;
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let ty = 0; ty < taps; ty++) {
        const row = rowTaps[rt + ty] as number;
        if (row < 0) continue;
        for (let tx = 0; tx < taps; tx++) {
          const col = colTaps[ct + tx] as number;
          if (col < 0) continue;
          const i = row + col;
          r += data[i] as number;
          g += data[i + 1] as number;
          b += data[i + 2] as number;
          n++;
        }
      }
      if (n > 0) {
        const kn = k / n;
        out[o] = r * kn - 1;
        out[o + 1] = g * kn - 1;
        out[o + 2] = b * kn - 1;
      }
      o += 3;
    }
  }
  return lb;
}

/**
 * The common case of `fillLetterboxed` — 3×3 taps, the whole area inside the frame (a full-frame
 * pass, a crop away from the edges) — without the per-tap bounds checks. Integer sums, so the
 * output is bit-identical to the general loop.
 */
function fillInside3(
  data: Uint8Array,
  colTaps: Int32Array,
  rowTaps: Int32Array,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  size: number,
  kn: number,
  out: Float32Array,
): void {
  for (let v = y0; v < y1; v++) {
    const rt = (v - y0) * 3;
    const r0 = rowTaps[rt] as number;
    const r1 = rowTaps[rt + 1] as number;
    const r2 = rowTaps[rt + 2] as number;
    let o = (v * size + x0) * 3;
    for (let u = x0, ct = 0; u < x1; u++, ct += 3) {
      const c0 = colTaps[ct] as number;
      const c1 = colTaps[ct + 1] as number;
      const c2 = colTaps[ct + 2] as number;
      for (let ch = 0; ch < 3; ch++) {
        const sum =
          (data[r0 + c0 + ch] as number) + (data[r0 + c1 + ch] as number) + (data[r0 + c2 + ch] as number) +
          (data[r1 + c0 + ch] as number) + (data[r1 + c1 + ch] as number) + (data[r1 + c2 + ch] as number) +
          (data[r2 + c0 + ch] as number) + (data[r2 + c1 + ch] as number) + (data[r2 + c2 + ch] as number);
        out[o + ch] = sum * kn - 1;
      }
      o += 3;
    }
  }
}

/** Byte offsets (index × stride) of the taps of each output column/row in [from, to); −1 outside. */
function tapTable(
  from: number,
  to: number,
  pad: number,
  origin: number,
  inv: number,
  step: number,
  taps: number,
  limit: number,
  stride: number,
): Int32Array {
  const t = new Int32Array(Math.max(0, to - from) * taps);
  for (let p = from; p < to; p++) {
    const s0 = (p - pad) * inv + origin;
    for (let j = 0; j < taps; j++) {
      const s = Math.floor(s0 + (j + 0.5) * step);
      t[(p - from) * taps + j] = s < 0 || s >= limit ? -1 : s * stride;
    }
  }
  return t;
}
