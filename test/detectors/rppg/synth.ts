/**
 * Deterministic synthetic data for the rPPG tests: seeded noise, RGB traces with a known pulse,
 * region-sample streams, and in-memory face videos with known landmarks.
 */
import type { Frame } from '../../../src/core/frame.js';
import type { FaceLandmarks } from '../../../src/core/geometry.js';
import { REGION_NAMES } from '../../../src/detectors/rppg/layout.js';
import type { RegionSample } from '../../../src/detectors/rppg/regions.js';
import type { RgbTrace } from '../../../src/detectors/rppg/signal/pulse.js';

/** mulberry32: tiny, seedable, good enough for test noise. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box–Muller) from a uniform source. */
export function gaussian(uniform: () => number): () => number {
  return () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

/**
 * Relative pulsatile strength of R, G, B in skin (the blood-volume signature, de Haan & van Leest
 * 2014): green strongest, red weakest.
 */
export const PULSE_SIGNATURE = [0.33, 0.77, 0.53] as const;

/** Pulse waveform with a first harmonic (real PPG is not a sinusoid), peak ≈ 1. */
export function pulseWave(tSec: number, hrHz: number): number {
  return (Math.sin(2 * Math.PI * hrHz * tSec) + 0.25 * Math.sin(4 * Math.PI * hrHz * tSec + 0.8)) / 1.2;
}

export interface TraceSpec {
  readonly n: number;
  readonly fs: number;
  /** 0 for no pulse. */
  readonly hrHz: number;
  /** Pulse amplitude in green levels (0–255 scale). */
  readonly pulseLevels: number;
  /** Per-sample Gaussian noise, levels. */
  readonly noiseLevels: number;
  /** Multiplicative illumination change over the trace, e.g. 0.1 = +10 % linear ramp plus a slow wave. */
  readonly drift: number;
  readonly seed: number;
  readonly base?: readonly [number, number, number];
}

export function pulseTrace(spec: TraceSpec): RgbTrace {
  const base = spec.base ?? [180, 120, 100];
  const noise = gaussian(rng(spec.seed));
  const rel = spec.pulseLevels / (base[1] * PULSE_SIGNATURE[1]);
  const ch = [0, 1, 2].map(() => new Float64Array(spec.n));
  for (let i = 0; i < spec.n; i++) {
    const t = i / spec.fs;
    const light = 1 + spec.drift * (t / (spec.n / spec.fs) + 0.3 * Math.sin(2 * Math.PI * 0.15 * t));
    const p = spec.hrHz > 0 ? pulseWave(t, spec.hrHz) : 0;
    for (let c = 0; c < 3; c++) {
      // More blood → more absorption → darker skin.
      (ch[c] as Float64Array)[i] = (base[c] as number) * light * (1 - rel * (PULSE_SIGNATURE[c] as number) * p) + spec.noiseLevels * noise();
    }
  }
  return { r: ch[0] as Float64Array, g: ch[1] as Float64Array, b: ch[2] as Float64Array };
}

export interface VideoSpec {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frames: number;
  readonly hrHz: number;
  /** Pulse amplitude in green levels. */
  readonly pulseLevels: number;
  /** Per-pixel Gaussian noise, levels. */
  readonly pixelNoise: number;
  /** Peak head translation, px (slow sway). */
  readonly motionPx: number;
  /** Linear illumination ramp over the clip (relative). */
  readonly drift: number;
  readonly seed: number;
}

export interface SyntheticFrame {
  readonly frame: Frame;
  readonly landmarks: FaceLandmarks;
}

/** Interocular distance of the synthetic face, px; the aligned unit crop is IPD / 0.36 wide. */
const IPD = 90;

/** Landmarks of the face centred at (cx, cy) (the canonical-crop centre), upright. */
export function faceLandmarks(cx: number, cy: number): FaceLandmarks {
  const s = IPD / 0.36;
  const at = (u: number, v: number) => ({ x: cx + (u - 0.5) * s, y: cy + (v - 0.5) * s });
  return {
    leftEye: at(0.32, 0.4),
    rightEye: at(0.68, 0.4),
    noseTip: at(0.5, 0.58),
    mouth: at(0.5, 0.8),
    leftEar: at(0.12, 0.5),
    rightEar: at(0.88, 0.5),
  };
}

/**
 * Renders an upright elliptical, shaded face (skin, darker eyes and brows, reddish lips) on a non-skin
 * background; skin pixels carry the pulse with the skin signature, every pixel gets noise, and
 * values are rounded and clipped to 8 bits. Frames are generated lazily.
 */
export function* syntheticFaceVideo(spec: VideoSpec): Generator<SyntheticFrame> {
  const uniform = rng(spec.seed);
  // Drawing ~1M normal values per frame dominates the render time; a table read from a random
  // offset each frame is as good for per-cell averages and keeps a 200-frame clip under a second.
  const table = noiseTable(uniform);
  const s = IPD / 0.36;
  const skin = [196, 140, 112];
  const rel = spec.pulseLevels / ((skin[1] as number) * PULSE_SIGNATURE[1]);
  for (let f = 0; f < spec.frames; f++) {
    const t = f / spec.fps;
    const { x: cx, y: cy } = headCentre(spec, f);
    const light = 1 + spec.drift * (t / (spec.frames / spec.fps));
    const p = spec.hrHz > 0 ? pulseWave(t, spec.hrHz) : 0;
    const skinNow = skin.map((v, c) => v * light * (1 - rel * (PULSE_SIGNATURE[c] as number) * p));
    const palette = makePalette(light);
    const data = new Uint8Array(spec.width * spec.height * 3);
    let k = Math.floor(uniform() * NOISE_TABLE_SIZE);
    for (let y = 0; y < spec.height; y++) {
      const v = (y + 0.5 - cy) / s + 0.5;
      for (let x = 0; x < spec.width; x++) {
        const u = (x + 0.5 - cx) / s + 0.5;
        const colour = faceColour(u, v, skinNow, palette);
        // Rounded-face shading: skin darkens towards the outline, as a lit 3-D face does.
        const shade = colour === skinNow ? 0.75 + 0.25 * Math.sqrt(Math.max(0, 1 - ((u - 0.5) / 0.37) ** 2 - ((v - 0.54) / 0.47) ** 2)) : 1;
        const o = (y * spec.width + x) * 3;
        for (let c = 0; c < 3; c++) {
          k = (k + 1) & (NOISE_TABLE_SIZE - 1);
          const value = Math.round((colour[c] as number) * shade + spec.pixelNoise * (table[k] as number));
          data[o + c] = value < 0 ? 0 : value > 255 ? 255 : value;
        }
      }
    }
    const frame: Frame = { streamId: 'synthetic', seq: f, ptsMs: (f * 1000) / spec.fps, width: spec.width, height: spec.height, data };
    yield { frame, landmarks: faceLandmarks(cx, cy) };
  }
}

/** Where the synthetic head is on frame `f`: a slow sway of ±motionPx about the frame centre. */
function headCentre(spec: VideoSpec, f: number): { x: number; y: number } {
  const t = f / spec.fps;
  return {
    x: spec.width / 2 + spec.motionPx * Math.sin(2 * Math.PI * 0.23 * t),
    y: spec.height / 2 + 0.6 * spec.motionPx * Math.sin(2 * Math.PI * 0.17 * t + 1),
  };
}

/** The landmarks of frame `f` of syntheticFaceVideo(spec), without rendering it. */
export function syntheticLandmarks(spec: VideoSpec, f: number): FaceLandmarks {
  const c = headCentre(spec, f);
  return faceLandmarks(c.x, c.y);
}

const NOISE_TABLE_SIZE = 1 << 20;

function noiseTable(uniform: () => number): Float32Array {
  const normal = gaussian(uniform);
  const table = new Float32Array(NOISE_TABLE_SIZE);
  for (let i = 0; i < NOISE_TABLE_SIZE; i++) table[i] = normal();
  return table;
}

const inEllipse = (u: number, v: number, cu: number, cv: number, ru: number, rv: number): boolean =>
  ((u - cu) / ru) ** 2 + ((v - cv) / rv) ** 2 <= 1;

interface Palette {
  readonly background: readonly number[];
  readonly eye: readonly number[];
  readonly brow: readonly number[];
  readonly lips: readonly number[];
}

function makePalette(light: number): Palette {
  return {
    background: [70 * light, 90 * light, 120 * light],
    eye: [40, 30, 30],
    brow: [60, 45, 35],
    lips: [150 * light, 60 * light, 70 * light],
  };
}

/** Colour of unit-crop point (u, v): face features in crop coordinates match layout.ts. */
function faceColour(u: number, v: number, skinNow: readonly number[], p: Palette): readonly number[] {
  if (!inEllipse(u, v, 0.5, 0.54, 0.37, 0.47)) return p.background;
  if (inEllipse(u, v, 0.32, 0.4, 0.06, 0.025) || inEllipse(u, v, 0.68, 0.4, 0.06, 0.025)) return p.eye;
  if (inEllipse(u, v, 0.31, 0.33, 0.08, 0.015) || inEllipse(u, v, 0.69, 0.33, 0.08, 0.015)) return p.brow;
  if (inEllipse(u, v, 0.5, 0.8, 0.1, 0.025)) return p.lips;
  return skinNow;
}

export interface SampleStreamSpec {
  readonly fps: number;
  readonly frames: number;
  /** 0 for no pulse. */
  readonly hrHz: number;
  /** Pulse amplitude in green levels. */
  readonly pulseLevels: number;
  /** Independent Gaussian noise per cell and frame, levels. */
  readonly cellNoise: number;
  /** Uniform timestamp jitter, ± ms. */
  readonly jitterMs?: number;
  /** Cells that never have skin (NaN). */
  readonly missingCells?: readonly number[];
  readonly seed: number;
}

/**
 * Region samples as sampleRegions would produce them for a face whose 32 cells all carry the same
 * pulse plus independent noise, without rendering frames. Named regions (face, forehead, cheeks,
 * mid-face) are means of the cells' values, so their noise is lower.
 */
export function* sampleStream(spec: SampleStreamSpec): Generator<{ ptsMs: number; sample: RegionSample }> {
  const uniform = rng(spec.seed);
  const noise = gaussian(uniform);
  const base = [196, 140, 112];
  const rel = spec.pulseLevels / ((base[1] as number) * PULSE_SIGNATURE[1]);
  const missing = new Set(spec.missingCells ?? []);
  for (let f = 0; f < spec.frames; f++) {
    const t = f / spec.fps;
    const p = spec.hrHz > 0 ? pulseWave(t, spec.hrHz) : 0;
    const cellRgb = new Float32Array(32 * 3);
    const cellSkin = new Float32Array(32);
    const sum = [0, 0, 0];
    let valid = 0;
    for (let c = 0; c < 32; c++) {
      if (missing.has(c)) {
        cellRgb.fill(NaN, c * 3, c * 3 + 3);
        continue;
      }
      cellSkin[c] = 1;
      valid++;
      for (let k = 0; k < 3; k++) {
        const v = (base[k] as number) * (1 - rel * (PULSE_SIGNATURE[k] as number) * p) + spec.cellNoise * noise();
        cellRgb[c * 3 + k] = v;
        sum[k] = (sum[k] as number) + v;
      }
    }
    const regionRgb = new Float32Array(REGION_NAMES.length * 3);
    for (let r = 0; r < REGION_NAMES.length; r++) {
      for (let k = 0; k < 3; k++) regionRgb[r * 3 + k] = valid > 0 ? (sum[k] as number) / valid : NaN;
    }
    const jitter = (uniform() - 0.5) * 2 * (spec.jitterMs ?? 0);
    yield {
      ptsMs: (f * 1000) / spec.fps + jitter,
      sample: { cellRgb, cellSkin, regionRgb, regionSkin: new Float32Array(REGION_NAMES.length).fill(valid / 32), skinFraction: valid / 32 },
    };
  }
}
