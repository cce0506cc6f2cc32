import type { FaceLandmarks, Point } from '../../core/geometry.js';

/**
 * Face regions as sets of dense-grid cells, from the landmarks in aligned-crop pixels. A cell
 * belongs to a region when its centre lies inside the region's shape; shapes scale with the
 * inter-ocular distance so they follow the face whatever the crop. Pure.
 */
export const BLIND_REGIONS = ['leftEye', 'rightEye', 'nose', 'mouth', 'leftCheek', 'rightCheek', 'forehead'] as const;
export type BlindRegion = (typeof BLIND_REGIONS)[number];

export function regionCells(l: FaceLandmarks, cropSize: number, gridW: number, gridH: number): Record<BlindRegion, number[]> {
  const iod = Math.hypot(l.rightEye.x - l.leftEye.x, l.rightEye.y - l.leftEye.y) || cropSize * 0.36;
  const eyeY = (l.leftEye.y + l.rightEye.y) / 2;
  const inEllipse = (p: Point, c: Point, rx: number, ry: number) => ((p.x - c.x) / rx) ** 2 + ((p.y - c.y) / ry) ** 2 <= 1;
  const tests: Record<BlindRegion, (p: Point) => boolean> = {
    leftEye: (p) => inEllipse(p, l.leftEye, 0.32 * iod, 0.2 * iod),
    rightEye: (p) => inEllipse(p, l.rightEye, 0.32 * iod, 0.2 * iod),
    nose: (p) => inEllipse(p, { x: l.noseTip.x, y: (l.noseTip.y + eyeY) / 2 + 0.05 * iod }, 0.2 * iod, 0.4 * iod),
    mouth: (p) => inEllipse(p, l.mouth, 0.42 * iod, 0.2 * iod),
    leftCheek: (p) => inEllipse(p, { x: l.leftEye.x - 0.05 * iod, y: (eyeY + l.mouth.y) / 2 + 0.05 * iod }, 0.28 * iod, 0.3 * iod),
    rightCheek: (p) => inEllipse(p, { x: l.rightEye.x + 0.05 * iod, y: (eyeY + l.mouth.y) / 2 + 0.05 * iod }, 0.28 * iod, 0.3 * iod),
    forehead: (p) => inEllipse(p, { x: (l.leftEye.x + l.rightEye.x) / 2, y: eyeY - 0.6 * iod }, 0.75 * iod, 0.3 * iod),
  };
  const cw = cropSize / gridW;
  const ch = cropSize / gridH;
  const out = Object.fromEntries(BLIND_REGIONS.map((r) => [r, [] as number[]])) as Record<BlindRegion, number[]>;
  for (let gy = 0; gy < gridH; gy++) {
    for (let gx = 0; gx < gridW; gx++) {
      const centre = { x: (gx + 0.5) * cw, y: (gy + 0.5) * ch };
      for (const r of BLIND_REGIONS) if (tests[r](centre)) out[r].push(gy * gridW + gx);
    }
  }
  // A region smaller than one cell still gets the cell under its anchor point.
  const anchor: Record<BlindRegion, Point> = {
    leftEye: l.leftEye,
    rightEye: l.rightEye,
    nose: l.noseTip,
    mouth: l.mouth,
    leftCheek: { x: l.leftEye.x, y: (eyeY + l.mouth.y) / 2 },
    rightCheek: { x: l.rightEye.x, y: (eyeY + l.mouth.y) / 2 },
    forehead: { x: (l.leftEye.x + l.rightEye.x) / 2, y: eyeY - 0.6 * iod },
  };
  for (const r of BLIND_REGIONS) {
    if (out[r].length > 0) continue;
    const gx = Math.min(gridW - 1, Math.max(0, Math.floor(anchor[r].x / cw)));
    const gy = Math.min(gridH - 1, Math.max(0, Math.floor(anchor[r].y / ch)));
    out[r].push(gy * gridW + gx);
  }
  return out;
}
