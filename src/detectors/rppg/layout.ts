/**
 * Where on the face rPPG samples colour. Everything is in the unit aligned-crop frame of
 * `src/core/align.ts` (eyes at (0.32, 0.4) and (0.68, 0.4), so one unit ≈ 2.8 interocular
 * distances), which makes cells follow the face through translation, roll and scale.
 *
 * With those canonical eyes a typical face spans about x ∈ [0.14, 0.86] (temple to temple) and
 * y ∈ [0.05, 1.0] (hairline to chin); brows sit near y = 0.32 and the mouth near y = 0.8.
 */

export interface Rect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Named regions: the grid pooled ('face') and the classic rPPG patches of FakeCatcher and others. */
export const REGION_NAMES = ['face', 'forehead', 'leftCheek', 'rightCheek', 'midFace'] as const;
export type RegionName = (typeof REGION_NAMES)[number];

export interface RegionLayout {
  /** The face area split into `cols` × `rows` cells, row-major from the top-left. */
  readonly grid: { readonly rect: Rect; readonly cols: number; readonly rows: number };
  /** Keep only grid points inside the ellipse inscribed in `grid.rect` (drops background corners). */
  readonly ellipse: boolean;
  /** Sample points per cell side (a k × k lattice at sub-cell centres). */
  readonly pointsPerCell: number;
  /** Rects of the named patches; 'face' is not listed, it pools all grid points. */
  readonly patches: Readonly<Record<Exclude<RegionName, 'face'>, Rect>>;
  readonly pointsPerPatch: number;
  /** A cell or region with a smaller fraction of skin points is reported missing (NaN). */
  readonly minSkinFraction: number;
}

/**
 * 4 columns × 8 rows = 32 cells as FakeCatcher's PPG maps; 6 × 6 points per cell. Cheeks are
 * image-left / image-right, below the eyes and beside the nose; 'midFace' is the nose and the
 * skin between the cheeks.
 */
export const DEFAULT_REGION_LAYOUT: RegionLayout = {
  grid: { rect: { x0: 0.14, y0: 0.08, x1: 0.86, y1: 1.0 }, cols: 4, rows: 8 },
  ellipse: true,
  pointsPerCell: 6,
  patches: {
    forehead: { x0: 0.3, y0: 0.12, x1: 0.7, y1: 0.28 },
    leftCheek: { x0: 0.18, y0: 0.5, x1: 0.35, y1: 0.68 },
    rightCheek: { x0: 0.65, y0: 0.5, x1: 0.82, y1: 0.68 },
    midFace: { x0: 0.4, y0: 0.46, x1: 0.6, y1: 0.64 },
  },
  pointsPerPatch: 8,
  minSkinFraction: 0.3,
};

/** A layout turned into sample point lists. Points of one cell / patch are contiguous. */
export interface CompiledRegionLayout {
  readonly layout: RegionLayout;
  readonly cells: number;
  /** Unit-crop coordinates of the grid points, then of the patch points. */
  readonly u: Float64Array;
  readonly v: Float64Array;
  /** Point index ranges: cell c owns [cellStart[c], cellStart[c + 1]). */
  readonly cellStart: Uint32Array;
  /** Patch p (REGION_NAMES[p + 1]) owns [patchStart[p], patchStart[p + 1]). */
  readonly patchStart: Uint32Array;
}

function lattice(rect: Rect, k: number, keep: (u: number, v: number) => boolean, u: number[], v: number[]): void {
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < k; i++) {
      const pu = rect.x0 + ((rect.x1 - rect.x0) * (i + 0.5)) / k;
      const pv = rect.y0 + ((rect.y1 - rect.y0) * (j + 0.5)) / k;
      if (keep(pu, pv)) {
        u.push(pu);
        v.push(pv);
      }
    }
  }
}

export function compileRegionLayout(layout: RegionLayout = DEFAULT_REGION_LAYOUT): CompiledRegionLayout {
  const { rect, cols, rows } = layout.grid;
  if (!(cols >= 1 && rows >= 1 && layout.pointsPerCell >= 1 && layout.pointsPerPatch >= 1)) {
    throw new RangeError('region layout needs at least one cell and one point per cell and patch');
  }
  const cx = (rect.x0 + rect.x1) / 2;
  const cy = (rect.y0 + rect.y1) / 2;
  const rx = (rect.x1 - rect.x0) / 2;
  const ry = (rect.y1 - rect.y0) / 2;
  const inEllipse = (pu: number, pv: number): boolean =>
    !layout.ellipse || ((pu - cx) / rx) ** 2 + ((pv - cy) / ry) ** 2 <= 1;
  const u: number[] = [];
  const v: number[] = [];
  const cells = cols * rows;
  const cellStart = new Uint32Array(cells + 1);
  const cw = (rect.x1 - rect.x0) / cols;
  const ch = (rect.y1 - rect.y0) / rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const cell: Rect = { x0: rect.x0 + c * cw, y0: rect.y0 + r * ch, x1: rect.x0 + (c + 1) * cw, y1: rect.y0 + (r + 1) * ch };
      lattice(cell, layout.pointsPerCell, inEllipse, u, v);
      cellStart[r * cols + c + 1] = u.length;
    }
  }
  const patchNames = REGION_NAMES.slice(1) as Exclude<RegionName, 'face'>[];
  const patchStart = new Uint32Array(patchNames.length + 1);
  patchStart[0] = u.length;
  patchNames.forEach((name, p) => {
    lattice(layout.patches[name], layout.pointsPerPatch, () => true, u, v);
    patchStart[p + 1] = u.length;
  });
  return { layout, cells, u: Float64Array.from(u), v: Float64Array.from(v), cellStart, patchStart };
}
