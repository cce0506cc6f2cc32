// What the ONNX helper scripts (onnx_features.mjs, onnx_outputs.mjs) share: `b` raw uint8 NHWC
// images of side `s` → float32 NCHW, x = (pixel / 255 − mean[c]) / std[c].
export function nhwcToNchw(raw, b, s, mean, std) {
  const px = s * s * 3;
  const x = new Float32Array(b * px);
  for (let k = 0; k < b; k++)
    for (let y = 0; y < s; y++)
      for (let xx = 0; xx < s; xx++)
        for (let c = 0; c < 3; c++) {
          const v = raw[k * px + (y * s + xx) * 3 + c] / 255;
          x[((k * 3 + c) * s + y) * s + xx] = (v - mean[c]) / std[c];
        }
  return x;
}
