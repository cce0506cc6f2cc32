/**
 * SSD anchors of MediaPipe BlazeFace. Two feature maps: a fine grid with 2 anchors per cell and a
 * coarse grid with 6 per cell (front-128: 16×16 and 8×8; back-256: 16×16 and 8×8 at strides 16, 32).
 * Anchor i's centre is the centre of its cell, in input pixels; sizes are fixed (the regressors
 * carry absolute sizes).
 */
export interface AnchorLayer {
  readonly cells: number;
  readonly perCell: number;
}

export function blazeFaceAnchors(inputSize: number, layers: readonly AnchorLayer[]): Float32Array {
  const total = layers.reduce((n, l) => n + l.cells * l.cells * l.perCell, 0);
  const out = new Float32Array(total * 2);
  let k = 0;
  for (const layer of layers) {
    const stride = inputSize / layer.cells;
    for (let gy = 0; gy < layer.cells; gy++) {
      for (let gx = 0; gx < layer.cells; gx++) {
        for (let a = 0; a < layer.perCell; a++) {
          out[k++] = (gx + 0.5) * stride;
          out[k++] = (gy + 0.5) * stride;
        }
      }
    }
  }
  return out;
}
