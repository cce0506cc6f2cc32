/**
 * Colour maps for uncertainty overlays. `inferno`-like ramp sampled at 9 stops (perceptually
 * ordered, readable for colour-blind viewers), linearly interpolated. Pure functions.
 */
const STOPS: readonly (readonly [number, number, number])[] = [
  [0, 0, 4],
  [31, 12, 72],
  [85, 15, 109],
  [136, 34, 106],
  [186, 54, 85],
  [227, 89, 51],
  [249, 140, 10],
  [249, 201, 50],
  [252, 255, 164],
];

/** RGB for v in [0, 1] (clamped). */
export function inferno(v: number): [number, number, number] {
  const x = (v < 0 ? 0 : v > 1 ? 1 : v) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i] as readonly number[];
  const b = STOPS[i + 1] as readonly number[];
  return [0, 1, 2].map((c) => Math.round((a[c] as number) * (1 - f) + (b[c] as number) * f)) as [number, number, number];
}
