import sharp from 'sharp';
import type { Frame } from '../core/frame.js';
import type { SimilarityTransform } from '../core/align.js';
import { alignmentTransform, invertTransform } from '../core/align.js';
import type { FaceResult, FaceVerdict } from '../pipeline/frame-result-schema.js';
import { inferno } from './colormap.js';

/**
 * Renders what fakescope sees onto a frame: face boxes coloured by the face's verdict with its
 * track id, verdict and fused p(fake) — the track verdict so far (`FaceResult.verdict`), the same
 * number the report, the summary and the page give that face —, the six landmarks, and optionally a per-face heat map (e.g. the epistemic map of a
 * dense detector head) blended over the face. The heat map lives in the face's aligned-crop
 * coordinates; each frame pixel near the face is mapped back through the alignment transform.
 */
export interface HeatMap {
  /** Row-major values in [0, 1], `gridW × gridH`, over an aligned crop of `cropSize` px. */
  readonly values: Float32Array;
  readonly gridW: number;
  readonly gridH: number;
  readonly cropSize: number;
  /** Crop → frame transform the map was computed under. */
  readonly transform: SimilarityTransform;
}

export interface OverlayOptions {
  readonly format: 'jpeg' | 'webp' | 'png';
  readonly quality?: number;
  /** Track id → heat map; default: built from the faces' detector maps (see `heatMapsOf`). */
  readonly heatMaps?: ReadonlyMap<number, HeatMap>;
  /** What the default heat maps show, and the value drawn at full colour. */
  readonly heat?: { readonly quantity: 'epistemic' | 'pFake'; readonly scale: number } | 'none';
  /** Heat map opacity at value 1. */
  readonly alpha?: number;
  /** Per face: the label text (default: track id, verdict and fused p(fake), see `faceLabel`). */
  readonly label?: (face: FaceResult) => string;
}

export async function renderOverlay(frame: Frame, faces: readonly FaceResult[], options: OverlayOptions): Promise<Buffer> {
  const base = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  const heat = options.heat ?? DEFAULT_HEAT;
  const maps = options.heatMaps ?? (heat === 'none' ? new Map<number, HeatMap>() : heatMapsOf(faces, heat.quantity, heat.scale));
  const rgb = maps.size ? blendHeatMaps(frame, maps, options.alpha ?? 0.55) : base;
  const legend = maps.size && heat !== 'none' ? legendSvg(frame.width, frame.height, heat.quantity, heat.scale) : '';
  const svg = Buffer.from(facesSvg(frame.width, frame.height, faces, options.label ?? faceLabel, legend));
  let img = sharp(rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } }).composite([{ input: svg, top: 0, left: 0 }]);
  const quality = options.quality ?? 80;
  img = options.format === 'jpeg' ? img.jpeg({ quality }) : options.format === 'webp' ? img.webp({ quality }) : img.png();
  return img.toBuffer();
}

/** Epistemic maps are drawn at full colour from 0.15 nats (a fifth of the binary maximum, ln 2). */
export const DEFAULT_HEAT = { quantity: 'epistemic', scale: 0.15 } as const;

/**
 * Heat maps from the detector outputs of each face: the first detector that reports a map. The
 * map lives in the face's aligned crop, so its transform is rebuilt from the face's landmarks.
 */
export function heatMapsOf(faces: readonly FaceResult[], quantity: 'epistemic' | 'pFake', scale: number): Map<number, HeatMap> {
  const out = new Map<number, HeatMap>();
  for (const f of faces) {
    const map = Object.values(f.detectors).find((d) => d.map)?.map;
    if (!map) continue;
    const values = Float32Array.from(map[quantity], (v) => Math.min(1, v / scale));
    out.set(f.trackId, { values, gridW: map.gridW, gridH: map.gridH, cropSize: map.cropSize, transform: alignmentTransform(f.landmarks, map.cropSize) });
  }
  return out;
}

function legendSvg(width: number, height: number, quantity: string, scale: number): string {
  const font = Math.max(11, Math.round(width / 55));
  const name = quantity === 'epistemic' ? 'epistemic (nats)' : 'p(manipulated)';
  const text = `${name} 0 … ${scale}`;
  const w = Math.round(width / 5);
  const x = width - w - 10;
  const y = height - font - 14;
  const stops = [0, 0.25, 0.5, 0.75, 1].map((v) => `<stop offset="${v}" stop-color="rgb(${inferno(v).join(',')})"/>`).join('');
  return (
    `<defs><linearGradient id="lg">${stops}</linearGradient></defs>` +
    `<rect x="${x}" y="${y}" width="${w}" height="${Math.round(font * 0.8)}" fill="url(#lg)"/>` +
    `<text x="${width - 10}" y="${y - 3}" text-anchor="end" font-family="DejaVu Sans, sans-serif" font-size="${font}" fill="white" stroke="black" stroke-width="0.5" paint-order="stroke">${text}</text>`
  );
}

/**
 * Whether every face on the frame was seen by the face detector on that very frame. Predicted
 * boxes are extrapolated by the motion model and lag or overshoot a fast-moving head, so overlay
 * writers prefer frames where this holds (waiting a frame or two for the next detection pass).
 */
export function boxesObserved(faces: readonly FaceResult[]): boolean {
  return faces.every((f) => f.source === 'detected');
}

const VERDICT_WORDS = { fake: 'fake', real: 'real', uncertain: "can't tell" } as const;

/** "#1 fake 0.94", "#2 can't tell 0.52", "#3 no answer": the face's track verdict so far. */
export function faceLabel(face: FaceResult): string {
  const v = face.verdict;
  if (!v || v.pFake === null) return `#${face.trackId} no answer`;
  return `#${face.trackId} ${VERDICT_WORDS[v.verdict]} ${v.pFake.toFixed(2)}`;
}

/** Box colour by verdict: grey without an answer, green real, amber can't tell, red fake. */
export function boxColour(v: FaceVerdict | undefined): string {
  if (!v || v.pFake === null) return '#9aa0a6';
  return v.verdict === 'fake' ? '#ff3b30' : v.verdict === 'real' ? '#34c759' : '#ffb000';
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function facesSvg(width: number, height: number, faces: readonly FaceResult[], label: (f: FaceResult) => string, extra = ''): string {
  const parts: string[] = [extra];
  const stroke = Math.max(2, Math.round(width / 320));
  const font = Math.max(12, Math.round(width / 45));
  for (const f of faces) {
    const colour = boxColour(f.verdict);
    const dash = f.source === 'predicted' ? ` stroke-dasharray="${3 * stroke},${2 * stroke}"` : '';
    const { x, y, w, h } = f.box;
    parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="none" stroke="${colour}" stroke-width="${stroke}"${dash}/>`);
    for (const p of Object.values(f.landmarks)) {
      parts.push(`<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${stroke}" fill="#00e5ff"/>`);
    }
    // On a dark plate, so the label stays readable over any background and on small faces.
    const text = label(f);
    const tw = text.length * font * 0.62 + 6;
    const ty = y > font + 6 ? y - 4 : y + h + font + 2;
    const tx = Math.max(0, Math.min(x, width - tw));
    parts.push(`<rect x="${tx.toFixed(1)}" y="${(ty - font).toFixed(1)}" width="${tw.toFixed(1)}" height="${(font * 1.25).toFixed(1)}" rx="3" fill="rgba(0,0,0,0.7)"/>`);
    parts.push(
      `<text x="${(tx + 3).toFixed(1)}" y="${ty.toFixed(1)}" font-family="DejaVu Sans, sans-serif" font-size="${font}" fill="${colour}" font-weight="bold">${escapeXml(text)}</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** Copies the frame and alpha-blends each face's heat map (inferno colours) into it. */
export function blendHeatMaps(frame: Frame, maps: ReadonlyMap<number, HeatMap>, alpha: number): Buffer {
  const out = Buffer.from(frame.data);
  for (const map of maps.values()) {
    const inv = invertTransform(map.transform);
    const t = map.transform;
    // Frame-space bounding box of the crop square.
    const corners = [
      [0, 0],
      [map.cropSize, 0],
      [0, map.cropSize],
      [map.cropSize, map.cropSize],
    ].map(([u, v]) => [t.a * (u as number) - t.b * (v as number) + t.tx, t.b * (u as number) + t.a * (v as number) + t.ty]);
    const xs = corners.map((c) => c[0] as number);
    const ys = corners.map((c) => c[1] as number);
    const x0 = Math.max(0, Math.floor(Math.min(...xs)));
    const x1 = Math.min(frame.width - 1, Math.ceil(Math.max(...xs)));
    const y0 = Math.max(0, Math.floor(Math.min(...ys)));
    const y1 = Math.min(frame.height - 1, Math.ceil(Math.max(...ys)));
    const sx = map.gridW / map.cropSize;
    const sy = map.gridH / map.cropSize;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const u = inv.a * (x + 0.5) - inv.b * (y + 0.5) + inv.tx;
        const v = inv.b * (x + 0.5) + inv.a * (y + 0.5) + inv.ty;
        if (u < 0 || v < 0 || u >= map.cropSize || v >= map.cropSize) continue;
        const val = map.values[Math.floor(v * sy) * map.gridW + Math.floor(u * sx)] as number;
        const [r, g, b] = inferno(val);
        // Transparent where the value is 0, so a calm map leaves the face visible.
        const a = alpha * Math.min(1, val);
        const i = (y * frame.width + x) * 3;
        out[i] = Math.round((out[i] as number) * (1 - a) + r * a);
        out[i + 1] = Math.round((out[i + 1] as number) * (1 - a) + g * a);
        out[i + 2] = Math.round((out[i + 2] as number) * (1 - a) + b * a);
      }
    }
  }
  return out;
}
