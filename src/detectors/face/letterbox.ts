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
  // Taps leave the frame only at the ends of a row or column, so the pixels whose taps all lie
  // inside form one rectangle: it takes the fast loops, the border strips the general one.
  const [ca, cb] = insideRun(colTaps, taps);
  const [ra, rb] = insideRun(rowTaps, taps);
  const fast = taps === 3 ? fillInside3 : taps === 2 ? fillInside2 : null;
  const grid: TapGrid = { colTaps, rowTaps, taps, x0, x1, y0, size, k };
  if (fast && ca < cb && ra < rb) {
    fast(data, colTaps.subarray(ca * taps), rowTaps.subarray(ra * taps), x0 + ca, x0 + cb, y0 + ra, y0 + rb, size, k / (taps * taps), out);
    fillGeneral(data, grid, y0, y0 + ra, out, x0, x0);
    fillGeneral(data, grid, y0 + ra, y0 + rb, out, x0 + ca, x0 + cb);
    fillGeneral(data, grid, y0 + rb, y1, out, x0, x0);
  } else {
    fillGeneral(data, grid, y0, y1, out, x0, x0);
  }
  return lb;
}

/** [first, end) of the output indices whose taps all lie inside the frame (empty: [0, 0)). */
function insideRun(tapsTable: Int32Array, taps: number): [number, number] {
  const n = tapsTable.length / taps;
  let a = 0;
  while (a < n && !allInside(tapsTable, a, taps)) a++;
  let b = a;
  while (b < n && allInside(tapsTable, b, taps)) b++;
  return a < b ? [a, b] : [0, 0];
}

function allInside(tapsTable: Int32Array, i: number, taps: number): boolean {
  for (let j = 0; j < taps; j++) if ((tapsTable[i * taps + j] as number) < 0) return false;
  return true;
}

/** The tap tables of one letterbox and where its output starts. */
interface TapGrid {
  readonly colTaps: Int32Array;
  readonly rowTaps: Int32Array;
  readonly taps: number;
  /** Output columns [x0, x1) and the first output row: the tables' index 0. */
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly size: number;
  /** 1 / 127.5. */
  readonly k: number;
}

/**
 * Output rows [v0, v1) with per-tap bounds checks, skipping the columns [skipFrom, skipTo) (filled
 * by a fast loop). Taps outside the frame do not count; a pixel with none stays −1.
 */
function fillGeneral(data: Uint8Array, g: TapGrid, v0: number, v1: number, out: Float32Array, skipFrom: number, skipTo: number): void {
  const { colTaps, rowTaps, taps, x0, x1, k } = g;
  for (let v = v0; v < v1; v++) {
    const rt = (v - g.y0) * taps;
    let o = (v * g.size + x0) * 3;
    for (let u = x0; u < x1; u++, o += 3) {
      if (u >= skipFrom && u < skipTo) continue;
      const ct = (u - x0) * taps;
      let r = 0;
      let gr = 0;
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
          gr += data[i + 1] as number;
          b += data[i + 2] as number;
          n++;
        }
      }
      if (n > 0) {
        const kn = k / n;
        out[o] = r * kn - 1;
        out[o + 1] = gr * kn - 1;
        out[o + 2] = b * kn - 1;
      }
    }
  }
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

/** `fillInside3` for 2×2 taps (a crop pass around a face of about the network's input size). */
function fillInside2(
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
    const rt = (v - y0) * 2;
    const r0 = rowTaps[rt] as number;
    const r1 = rowTaps[rt + 1] as number;
    let o = (v * size + x0) * 3;
    for (let u = x0, ct = 0; u < x1; u++, ct += 2) {
      const a = r0 + (colTaps[ct] as number);
      const b = r0 + (colTaps[ct + 1] as number);
      const c = r1 + (colTaps[ct] as number);
      const d = r1 + (colTaps[ct + 1] as number);
      out[o] = ((data[a] as number) + (data[b] as number) + (data[c] as number) + (data[d] as number)) * kn - 1;
      out[o + 1] = ((data[a + 1] as number) + (data[b + 1] as number) + (data[c + 1] as number) + (data[d + 1] as number)) * kn - 1;
      out[o + 2] = ((data[a + 2] as number) + (data[b + 2] as number) + (data[c + 2] as number) + (data[d + 2] as number)) * kn - 1;
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
