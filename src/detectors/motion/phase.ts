/**
 * Phase-based motion of an aligned face crop (the "traditional" branch of motion magnification,
 * after Wadhwa et al.'s phase-based Eulerian magnification and Ciftci & Demir 2022): the local
 * phase of a band-pass quadrature filter moves with the image content, so a shift of d pixels
 * along the filter's direction changes the phase by −2π·d/λ. One complex Gabor filter (DC
 * removed) per cell and direction, evaluated at the cell centre only, gives a phase signal per
 * cell — the real-time, single-scale, sparse equivalent of one level of a complex steerable (or
 * Riesz) pyramid. Pure functions.
 */

export interface QuadratureBankOptions {
  /** Side of the square grey crop, px. */
  readonly size: number;
  /** Cells per side; cell centres tile [lo, hi] of the crop (fractions of its side). */
  readonly cells: number;
  readonly lo: number;
  readonly hi: number;
  /** Filter wavelength, px of the crop. */
  readonly wavelength: number;
  /** Gaussian envelope σ as a fraction of the cell pitch. */
  readonly sigmaFraction: number;
}

/** One complex kernel per (cell, direction), restricted to its ±3σ support. */
export interface QuadratureBank {
  readonly options: QuadratureBankOptions;
  /** Channels: cell-major, then direction (0 = x, 1 = y): channel = 2·cell + dir. */
  readonly channels: number;
  /** Per channel: support rectangle in the crop [x0, y0, w, h]. */
  readonly rect: Int32Array;
  /** Per channel: offset of its kernel in re/im. */
  readonly offset: Int32Array;
  readonly re: Float32Array;
  readonly im: Float32Array;
  /** Phase per pixel of shift: 2π / λ (radians / px). */
  readonly k: number;
}

export function createQuadratureBank(o: QuadratureBankOptions): QuadratureBank {
  if (!(o.size >= 8 && o.cells >= 1 && o.wavelength >= 2 && o.hi > o.lo)) throw new RangeError('invalid quadrature bank options');
  const pitch = ((o.hi - o.lo) * o.size) / o.cells;
  const sigma = o.sigmaFraction * pitch;
  const half = Math.ceil(3 * sigma);
  const k = (2 * Math.PI) / o.wavelength;
  const channels = o.cells * o.cells * 2;
  const rect = new Int32Array(channels * 4);
  const offset = new Int32Array(channels);
  const re: number[] = [];
  const im: number[] = [];
  for (let cy = 0; cy < o.cells; cy++) {
    for (let cx = 0; cx < o.cells; cx++) {
      const ux = o.lo * o.size + (cx + 0.5) * pitch;
      const uy = o.lo * o.size + (cy + 0.5) * pitch;
      const x0 = Math.max(0, Math.floor(ux - half));
      const y0 = Math.max(0, Math.floor(uy - half));
      const x1 = Math.min(o.size - 1, Math.ceil(ux + half));
      const y1 = Math.min(o.size - 1, Math.ceil(uy + half));
      for (let dir = 0; dir < 2; dir++) {
        const c = 2 * (cy * o.cells + cx) + dir;
        rect.set([x0, y0, x1 - x0 + 1, y1 - y0 + 1], 4 * c);
        offset[c] = re.length;
        const kr: number[] = [];
        const ki: number[] = [];
        let wsum = 0;
        let rsum = 0;
        let isum = 0;
        for (let y = y0; y <= y1; y++) {
          for (let x = x0; x <= x1; x++) {
            const dx = x + 0.5 - ux;
            const dy = y + 0.5 - uy;
            const w = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            const arg = k * (dir === 0 ? dx : dy);
            kr.push(w * Math.cos(arg));
            ki.push(-w * Math.sin(arg));
            wsum += w;
            rsum += w * Math.cos(arg);
            isum += -w * Math.sin(arg);
          }
        }
        // Remove the DC response: a brightness change must not move the phase.
        let i = 0;
        for (let y = y0; y <= y1; y++) {
          for (let x = x0; x <= x1; x++) {
            const dx = x + 0.5 - ux;
            const dy = y + 0.5 - uy;
            const w = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            re.push((kr[i] as number) - (w * rsum) / wsum);
            im.push((ki[i] as number) - (w * isum) / wsum);
            i++;
          }
        }
      }
    }
  }
  return { options: o, channels, rect, offset, re: Float32Array.from(re), im: Float32Array.from(im), k };
}

/** Complex responses of every channel to a grey crop (size² values, row-major): [re0, im0, re1, …]. */
export function quadratureResponses(bank: QuadratureBank, grey: ArrayLike<number>, out = new Float64Array(2 * bank.channels)): Float64Array {
  const size = bank.options.size;
  if (grey.length !== size * size) throw new RangeError(`crop of ${grey.length} pixels, bank expects ${size}×${size}`);
  for (let c = 0; c < bank.channels; c++) {
    const x0 = bank.rect[4 * c] as number;
    const y0 = bank.rect[4 * c + 1] as number;
    const w = bank.rect[4 * c + 2] as number;
    const h = bank.rect[4 * c + 3] as number;
    let o = bank.offset[c] as number;
    let sr = 0;
    let si = 0;
    for (let y = y0; y < y0 + h; y++) {
      let p = y * size + x0;
      for (let x = 0; x < w; x++, p++, o++) {
        const g = grey[p] as number;
        sr += (bank.re[o] as number) * g;
        si += (bank.im[o] as number) * g;
      }
    }
    out[2 * c] = sr;
    out[2 * c + 1] = si;
  }
  return out;
}

/**
 * Displacement of every channel between two response sets, px along the channel's direction:
 * d = −arg(z₁·z̄₀) / k, the phase difference taken on the circle (no unwrapping across frames is
 * needed while motion stays under λ/2 per frame). A channel whose response is weaker than
 * `minAmplitude` in either frame has no measurable phase and reads 0.
 */
export function phaseDisplacement(
  bank: QuadratureBank,
  prev: ArrayLike<number>,
  cur: ArrayLike<number>,
  minAmplitude: number,
  out = new Float64Array(bank.channels),
): Float64Array {
  for (let c = 0; c < bank.channels; c++) {
    const ar = prev[2 * c] as number;
    const ai = prev[2 * c + 1] as number;
    const br = cur[2 * c] as number;
    const bi = cur[2 * c + 1] as number;
    const amp2 = minAmplitude * minAmplitude;
    if (ar * ar + ai * ai < amp2 || br * br + bi * bi < amp2) {
      out[c] = 0;
      continue;
    }
    // z₁·z̄₀
    const re = br * ar + bi * ai;
    const im = bi * ar - br * ai;
    out[c] = -Math.atan2(im, re) / bank.k;
  }
  return out;
}

/** Mean response amplitude over channels (local contrast the phase is measured on). */
export function meanAmplitude(responses: ArrayLike<number>, channels: number): number {
  let s = 0;
  for (let c = 0; c < channels; c++) s += Math.hypot(responses[2 * c] as number, responses[2 * c + 1] as number);
  return s / channels;
}
