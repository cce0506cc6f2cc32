import type { FaceRegion } from './human-report.js';
import { FACE_REGIONS, REGION_NAMES } from './human-report.js';

/**
 * The small face diagram of the region view: seven regions drawn as simple shapes in a 120×150
 * box, each filled by its score. `FACE_SHAPES` is the one geometry table; the web page draws the
 * same shapes from a generated copy (web/app/report-shapes.gen.js, `npm run gen:web`). Pure.
 */
export type Shape =
  | { readonly kind: 'ellipse'; readonly cx: number; readonly cy: number; readonly rx: number; readonly ry: number }
  | { readonly kind: 'path'; readonly d: string };

/** Image-left/right as in the report (the viewer's left), so the diagram reads like the picture. */
export const FACE_SHAPES: Readonly<Record<FaceRegion, Shape>> = {
  forehead: { kind: 'path', d: 'M30,52 Q30,18 60,16 Q90,18 90,52 Z' },
  leftEye: { kind: 'ellipse', cx: 42, cy: 64, rx: 12, ry: 7 },
  rightEye: { kind: 'ellipse', cx: 78, cy: 64, rx: 12, ry: 7 },
  nose: { kind: 'path', d: 'M60,70 L50,98 L70,98 Z' },
  leftCheek: { kind: 'ellipse', cx: 35, cy: 96, rx: 11, ry: 14 },
  rightCheek: { kind: 'ellipse', cx: 85, cy: 96, rx: 11, ry: 14 },
  mouth: { kind: 'ellipse', cx: 60, cy: 118, rx: 17, ry: 7 },
};

/** The head outline the regions sit in. */
export const HEAD_OUTLINE = 'M60,8 C98,8 106,44 104,80 C102,118 84,144 60,144 C36,144 18,118 16,80 C14,44 22,8 60,8 Z';

/**
 * Fill for a score: green below the threshold, red above, pale near it (so "close to the line"
 * does not look alarming); grey without a score. Luminance stays light enough for dark labels.
 */
export function regionFill(score: number | null, threshold: number): string {
  if (score === null) return '#d7dae0';
  const t = Math.max(1e-6, Math.min(1 - 1e-6, threshold));
  const d = score >= t ? (score - t) / (1 - t) : (t - score) / t;
  const k = Math.min(1, Math.max(0, d));
  const mix = (a: readonly number[], b: readonly number[]) => a.map((v, i) => Math.round(v + (b[i]! - v) * k));
  const pale = [238, 238, 230];
  const [r, g, b] = mix(pale, score >= t ? [222, 76, 62] : [70, 170, 100]);
  return `rgb(${r},${g},${b})`;
}

export function faceDiagramSvg(scores: Readonly<Record<FaceRegion, number | null>>, threshold: number, title: string): string {
  const parts = [`<path d="${HEAD_OUTLINE}" fill="#f4f5f7" stroke="#8a909c" stroke-width="1.5"/>`];
  for (const region of FACE_REGIONS) {
    const s = FACE_SHAPES[region];
    const score = scores[region];
    const label = `${REGION_NAMES[region]}: ${score === null ? 'no score' : `${Math.round(score * 100)} %`}`;
    const fill = regionFill(score, threshold);
    const attrs = `fill="${fill}" stroke="#5b616d" stroke-width="1"`;
    parts.push(
      s.kind === 'ellipse'
        ? `<ellipse cx="${s.cx}" cy="${s.cy}" rx="${s.rx}" ry="${s.ry}" ${attrs}><title>${escapeXml(label)}</title></ellipse>`
        : `<path d="${s.d}" ${attrs}><title>${escapeXml(label)}</title></path>`,
    );
  }
  const summary = FACE_REGIONS.map((r) => `${REGION_NAMES[r]} ${scores[r] === null ? '—' : `${Math.round((scores[r] as number) * 100)} %`}`).join(', ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 150" width="180" height="225" role="img" aria-label="${escapeXml(`${title}: ${summary}`)}">${parts.join('')}</svg>`;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
