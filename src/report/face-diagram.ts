/**
 * The small face diagram of the region view: seven regions drawn as simple shapes in a 120×150
 * box, each filled by its score. `FACE_SHAPES` is the one geometry table; the web page draws the
 * same shapes from a generated copy (web/app/report-shapes.gen.js, `npm run gen:web`). Pure.
 */

/** The face regions of the region view, in reading order, and their names in words. */
export const FACE_REGIONS = ['forehead', 'leftEye', 'rightEye', 'nose', 'leftCheek', 'rightCheek', 'mouth'] as const;
export type FaceRegion = (typeof FACE_REGIONS)[number];

export const REGION_NAMES: Readonly<Record<FaceRegion, string>> = {
  forehead: 'forehead',
  leftEye: 'eye (image left)',
  rightEye: 'eye (image right)',
  nose: 'nose',
  leftCheek: 'cheek (image left)',
  rightCheek: 'cheek (image right)',
  mouth: 'mouth',
};

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
 * Fills for the seven regions, **relative to one another**: the region where the detector's
 * evidence is strongest is the deepest orange, the weakest the palest, linearly between; grey
 * without a score. Relative because a region score is not a verdict: a blending-boundary head
 * (the SBI models) gives ~0.1 on a face the whole-face head calls fake, so comparing regions with
 * the verdict line would paint every face "green". When the scores spread less than
 * `MIN_REGION_SPREAD` nothing stands out and all are pale. A single hue, so no colour reads as
 * "genuine". Luminance stays light enough for dark labels. Pure.
 */
export const MIN_REGION_SPREAD = 0.02;

export function regionFills(scores: Readonly<Record<FaceRegion, number | null>>): Record<FaceRegion, string> {
  const vals = FACE_REGIONS.map((r) => scores[r]).filter((v): v is number => v !== null);
  const lo = Math.min(...vals);
  const spread = Math.max(...vals) - lo;
  const pale = [246, 240, 226];
  const deep = [222, 96, 50];
  const fill = (v: number | null) => {
    if (v === null) return '#d7dae0';
    const k = spread < MIN_REGION_SPREAD ? 0 : (v - lo) / spread;
    const [r, g, b] = pale.map((p, i) => Math.round(p + (deep[i]! - p) * k));
    return `rgb(${r},${g},${b})`;
  };
  return Object.fromEntries(FACE_REGIONS.map((r) => [r, fill(scores[r])])) as Record<FaceRegion, string>;
}

/** Whether any region stands out (the scores spread at least `MIN_REGION_SPREAD`). */
export function regionsStandOut(scores: Readonly<Record<FaceRegion, number | null>>): boolean {
  const vals = FACE_REGIONS.map((r) => scores[r]).filter((v): v is number => v !== null);
  return vals.length > 1 && Math.max(...vals) - Math.min(...vals) >= MIN_REGION_SPREAD;
}

export function faceDiagramSvg(scores: Readonly<Record<FaceRegion, number | null>>, title: string): string {
  const fills = regionFills(scores);
  const parts = [`<path d="${HEAD_OUTLINE}" fill="#f4f5f7" stroke="#8a909c" stroke-width="1.5"/>`];
  for (const region of FACE_REGIONS) {
    const s = FACE_SHAPES[region];
    const score = scores[region];
    const label = `${REGION_NAMES[region]}: ${score === null ? 'no score' : `${Math.round(score * 100)} %`}`;
    const attrs = `fill="${fills[region]}" stroke="#5b616d" stroke-width="1"`;
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
