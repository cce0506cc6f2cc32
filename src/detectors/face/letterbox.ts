/**
 * Letterboxing a frame region into a square network input: scale to fit, centre, pad.
 * `fillLetterboxed` writes NHWC float32 scaled to [-1, 1] (BlazeFace's normalisation), padding −1.
 */
export interface Letterbox {
  /** Input pixels per source pixel. */
  readonly scale: number;
  readonly padX: number;
  readonly padY: number;
  /** Source region (frame pixels) that was letterboxed. */
  readonly srcX: number;
  readonly srcY: number;
}

export interface Region {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export function letterboxFor(region: Region, size: number): Letterbox {
  const scale = size / Math.max(region.w, region.h);
  return {
    scale,
    padX: (size - region.w * scale) / 2,
    padY: (size - region.h * scale) / 2,
    srcX: region.x,
    srcY: region.y,
  };
}

/** Maps a point in network-input pixels back to frame pixels. */
export function toFrame(lb: Letterbox, x: number, y: number): { x: number; y: number } {
  return { x: (x - lb.padX) / lb.scale + lb.srcX, y: (y - lb.padY) / lb.scale + lb.srcY };
}

/**
 * Resamples `region` of a packed RGB frame into `out` (size×size×3, NHWC) with area averaging when
 * shrinking (a box filter over the source pixels each input pixel covers) — nearest-neighbour
 * subsampling aliases small faces away. Pixels outside the frame and the padding read −1.
 */
export function fillLetterboxed(
  data: Uint8Array,
  width: number,
  height: number,
  region: Region,
  size: number,
  out: Float32Array,
): Letterbox {
  const lb = letterboxFor(region, size);
  out.fill(-1);
  const inv = 1 / lb.scale;
  const x0 = Math.ceil(lb.padX - 1e-6);
  const y0 = Math.ceil(lb.padY - 1e-6);
  const x1 = Math.floor(size - lb.padX + 1e-6);
  const y1 = Math.floor(size - lb.padY + 1e-6);
  // Source span per input pixel; sample a small grid inside it (≤ 3×3) for an area average.
  const taps = Math.min(3, Math.max(1, Math.round(inv)));
  const step = inv / taps;
  const k = 1 / 127.5;
  for (let v = y0; v < y1; v++) {
    const sy0 = (v - lb.padY) * inv + region.y;
    let o = (v * size + x0) * 3;
    for (let u = x0; u < x1; u++) {
      const sx0 = (u - lb.padX) * inv + region.x;
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let ty = 0; ty < taps; ty++) {
        const sy = Math.floor(sy0 + (ty + 0.5) * step);
        if (sy < 0 || sy >= height) continue;
        for (let tx = 0; tx < taps; tx++) {
          const sx = Math.floor(sx0 + (tx + 0.5) * step);
          if (sx < 0 || sx >= width) continue;
          const i = (sy * width + sx) * 3;
          r += data[i] as number;
          g += data[i + 1] as number;
          b += data[i + 2] as number;
          n++;
        }
      }
      if (n > 0) {
        out[o] = (r / n) * k - 1;
        out[o + 1] = (g / n) * k - 1;
        out[o + 2] = (b / n) * k - 1;
      }
      o += 3;
    }
  }
  return lb;
}
