/**
 * Bilinear reads of a packed RGB24 frame (row-major, `width * height * 3` bytes), shared by the
 * aligned face crops (`warpCrop` in align.ts) and the rPPG skin readings
 * (detectors/rppg/regions.ts). Positions are in pixel-index space: pixel (i, j)'s centre is at
 * (i, j), so a continuous frame coordinate (pixel centres at k + ½) is shifted by −½ first.
 *
 * `locate` finds the four neighbours; the two users then mix them in different orders, kept
 * apart on purpose: `mixRowsRounded` interpolates along x, then along y, and rounds to a byte;
 * `mixWeighted` sums the four neighbours with their area weights, unrounded. The two are equal
 * in exact arithmetic but not in floating point, so merging them would change crops or rPPG
 * readings in their last bits (and reports with them).
 */

/** The four neighbours of a position (byte offsets of their red samples) and its fractional offsets. */
export interface BilinearTaps {
  /** (x0, y0), (x1, y0), (x0, y1), (x1, y1). */
  i00: number;
  i01: number;
  i10: number;
  i11: number;
  /** x − x0 and y − y0, in [0, 1). */
  fx: number;
  fy: number;
}

export function newTaps(): BilinearTaps {
  return { i00: 0, i01: 0, i10: 0, i11: 0, fx: 0, fy: 0 };
}

/**
 * Fills `taps` for (x, y), which must lie inside the frame: 0 ≤ x ≤ width − 1, 0 ≤ y ≤ height − 1
 * (callers clamp or skip). On the last column or row the far neighbour is the pixel itself.
 */
export function locate(x: number, y: number, width: number, height: number, taps: BilinearTaps): void {
  const maxX = width - 1;
  const maxY = height - 1;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = x0 < maxX ? x0 + 1 : x0;
  const y1 = y0 < maxY ? y0 + 1 : y0;
  taps.fx = x - x0;
  taps.fy = y - y0;
  taps.i00 = (y0 * width + x0) * 3;
  taps.i01 = (y0 * width + x1) * 3;
  taps.i10 = (y1 * width + x0) * 3;
  taps.i11 = (y1 * width + x1) * 3;
}

/** Writes the three channels at `taps` to `out[o..o+2]`: along x, then along y, rounded (the aligned crops). */
export function mixRowsRounded(data: Uint8Array, taps: BilinearTaps, out: Uint8Array, o: number): void {
  const { i00, i01, i10, i11, fx, fy } = taps;
  for (let c = 0; c < 3; c++) {
    const top = (data[i00 + c] as number) * (1 - fx) + (data[i01 + c] as number) * fx;
    const bot = (data[i10 + c] as number) * (1 - fx) + (data[i11 + c] as number) * fx;
    out[o + c] = Math.round(top * (1 - fy) + bot * fy);
  }
}

/** Writes the three channels at `taps` to `rgb[0..2]`: the four neighbours by area weight, unrounded (rPPG). */
export function mixWeighted(data: Uint8Array, taps: BilinearTaps, rgb: number[]): void {
  const { i00, i01, i10, i11, fx, fy } = taps;
  const w00 = (1 - fx) * (1 - fy);
  const w01 = fx * (1 - fy);
  const w10 = (1 - fx) * fy;
  const w11 = fx * fy;
  for (let c = 0; c < 3; c++) {
    rgb[c] =
      (data[i00 + c] as number) * w00 +
      (data[i01 + c] as number) * w01 +
      (data[i10 + c] as number) * w10 +
      (data[i11 + c] as number) * w11;
  }
}
