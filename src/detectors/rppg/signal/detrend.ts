/**
 * Removal of the least-squares straight line. Run before band-pass filtering: a 0.7 Hz high-pass
 * on a ~4 s window rings for most of the window when fed a ramp (illumination drift, slow head
 * motion), and the filter's edge padding reflects a ramp into a step.
 */
export function detrendLinear(x: ArrayLike<number>, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const n = x.length;
  if (n === 0) return out;
  if (n === 1) {
    out[0] = 0;
    return out;
  }
  // Centred abscissa makes the slope and intercept independent.
  const c = (n - 1) / 2;
  let sy = 0;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    const u = i - c;
    sy += v;
    sxy += u * v;
    sxx += u * u;
  }
  const intercept = sy / n;
  const slope = sxy / sxx;
  for (let i = 0; i < n; i++) out[i] = (x[i] as number) - intercept - slope * (i - c);
  return out;
}
