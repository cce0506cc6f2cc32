import { describe, expect, it } from 'vitest';
import { blazeFaceAnchors } from '../../../src/detectors/face/anchors.js';
import { decodeCandidates, toDetection, weightedNms } from '../../../src/detectors/face/decode.js';
import { fillLetterboxed, letterboxFor, toFrame } from '../../../src/detectors/face/letterbox.js';

describe('blazeFaceAnchors', () => {
  it('lays out 16×16×2 + 8×8×6 anchors for the 256 model, row-major, cell centres', () => {
    const a = blazeFaceAnchors(256, [
      { cells: 16, perCell: 2 },
      { cells: 8, perCell: 6 },
    ]);
    expect(a.length / 2).toBe(896);
    expect([a[0], a[1], a[2], a[3]]).toEqual([8, 8, 8, 8]); // two anchors in cell (0,0), stride 16
    expect([a[4], a[5]]).toEqual([24, 8]); // next cell to the right
    expect([a[2 * 32], a[2 * 32 + 1]]).toEqual([8, 24]); // first anchor of the second row
    expect([a[2 * 512], a[2 * 512 + 1]]).toEqual([16, 16]); // first coarse anchor, stride 32
    expect([a[2 * 895], a[2 * 895 + 1]]).toEqual([240, 240]);
  });
});

describe('decodeCandidates', () => {
  const anchors = new Float32Array([10, 10, 50, 50]);
  it('keeps anchors above the threshold and offsets box and keypoints from the anchor centre', () => {
    const scores = new Float32Array([-5, 3]); // sigmoid: 0.0067, 0.9526
    const regs = new Float32Array(32);
    regs.set([2, -4, 20, 30, -5, -5, 5, -5, 0, 0, 0, 8, -9, 0, 9, 0], 16);
    const c = decodeCandidates(scores, regs, anchors, 0.5);
    expect(c).toHaveLength(1);
    expect(c[0]!.score).toBeCloseTo(0.9526, 3);
    expect(c[0]!.box).toEqual({ x: 52 - 10, y: 46 - 15, w: 20, h: 30 });
    expect(c[0]!.keypoints[0]).toEqual({ x: 45, y: 45 });
    expect(c[0]!.keypoints[3]).toEqual({ x: 50, y: 58 });
  });

  it('clamps extreme logits and drops boxes without size', () => {
    const regs = new Float32Array(32); // zero sizes
    expect(decodeCandidates(new Float32Array([1e9, 1e9]), regs, anchors, 0.5)).toHaveLength(0);
  });
});

describe('weightedNms', () => {
  const cand = (x: number, score: number) => ({
    score,
    box: { x, y: 0, w: 10, h: 10 },
    keypoints: [{ x: x + 5, y: 5 }],
  });
  it('averages overlapping boxes by score and keeps the best score', () => {
    const out = weightedNms([cand(0, 0.9), cand(2, 0.6), cand(100, 0.7)], 0.3);
    expect(out).toHaveLength(2);
    expect(out[0]!.score).toBe(0.9);
    expect(out[0]!.box.x).toBeCloseTo((0 * 0.9 + 2 * 0.6) / 1.5, 10);
    expect(out[0]!.keypoints[0]!.x).toBeCloseTo((5 * 0.9 + 7 * 0.6) / 1.5, 10);
    expect(out[1]!.box.x).toBe(100);
  });
  it('returns nothing for nothing', () => {
    expect(weightedNms([], 0.3)).toEqual([]);
  });
});

describe('letterbox', () => {
  it('fits a wide region, centres it vertically and maps points back', () => {
    const lb = letterboxFor({ x: 0, y: 0, w: 640, h: 360 }, 256);
    expect(lb.scale).toBeCloseTo(0.4, 10);
    expect(lb.padX).toBe(0);
    expect(lb.padY).toBeCloseTo(56, 10);
    expect(toFrame(lb, 128, 128)).toEqual({ x: 320, y: 180 });
  });

  it('maps a sub-region back with its offset', () => {
    const lb = letterboxFor({ x: 100, y: 50, w: 200, h: 200 }, 100);
    expect(toFrame(lb, 0, 0)).toEqual({ x: 100, y: 50 });
    expect(toFrame(lb, 100, 100)).toEqual({ x: 300, y: 250 });
  });

  it('writes normalised pixels inside and −1 padding outside the image', () => {
    // 4×2 frame: left half black, right half white.
    const w = 4;
    const h = 2;
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 2; x < 4; x++) data.fill(255, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const out = new Float32Array(4 * 4 * 3);
    fillLetterboxed(data, w, h, { x: 0, y: 0, w, h }, 4, out);
    const px = (u: number, v: number) => out[(v * 4 + u) * 3]!;
    expect(px(0, 0)).toBe(-1); // top padding row
    expect(px(0, 1)).toBeCloseTo(-1, 5); // black
    expect(px(3, 1)).toBeCloseTo(1, 5); // white
    expect(px(0, 3)).toBe(-1); // bottom padding row
  });

  it('pads the part of a crop that lies outside the frame', () => {
    const data = new Uint8Array(2 * 2 * 3).fill(255);
    const out = new Float32Array(4 * 4 * 3);
    fillLetterboxed(data, 2, 2, { x: -2, y: -2, w: 4, h: 4 }, 4, out);
    expect(out[0]).toBe(-1); // (0,0) maps outside the frame
    expect(out[(3 * 4 + 3) * 3]).toBeCloseTo(1, 5);
  });
});

/** The resampling rule written out pixel by pixel: ≤ 3×3 taps per input pixel, taps outside the frame skipped. */
function referenceLetterbox(data: Uint8Array, width: number, height: number, area: { x: number; y: number; w: number; h: number }, size: number): Float32Array {
  const lb = letterboxFor(area, size);
  const out = new Float32Array(size * size * 3).fill(-1);
  const inv = 1 / lb.scale;
  const taps = Math.min(3, Math.max(1, Math.round(inv)));
  const step = inv / taps;
  for (let v = Math.ceil(lb.padY - 1e-6); v < Math.floor(size - lb.padY + 1e-6); v++) {
    for (let u = Math.ceil(lb.padX - 1e-6); u < Math.floor(size - lb.padX + 1e-6); u++) {
      const sum = [0, 0, 0];
      let n = 0;
      for (let ty = 0; ty < taps; ty++) {
        const y = Math.floor((v - lb.padY) * inv + area.y + (ty + 0.5) * step);
        for (let tx = 0; tx < taps; tx++) {
          const x = Math.floor((u - lb.padX) * inv + area.x + (tx + 0.5) * step);
          if (x < 0 || x >= width || y < 0 || y >= height) continue;
          for (let c = 0; c < 3; c++) sum[c]! += data[(y * width + x) * 3 + c]!;
          n++;
        }
      }
      if (n > 0) for (let c = 0; c < 3; c++) out[(v * size + u) * 3 + c] = sum[c]! * (1 / 127.5 / n) - 1;
    }
  }
  return out;
}

describe('fillLetterboxed against the rule written out', () => {
  const frame = (w: number, h: number) => Uint8Array.from({ length: w * h * 3 }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 24) & 255);
  it.each([
    ['a full 640×360 frame into 256 (3×3 taps, all inside: the fast path)', 640, 360, { x: 0, y: 0, w: 640, h: 360 }, 256],
    ['a 1280×720 frame into 128 (3×3 taps)', 1280, 720, { x: 0, y: 0, w: 1280, h: 720 }, 128],
    ['a crop inside the frame with 3×3 taps (the fast path)', 1280, 720, { x: 300.5, y: 100.25, w: 400, h: 400 }, 128],
    ['a crop over the frame edge (taps outside skipped)', 640, 360, { x: 450, y: 200, w: 400, h: 400 }, 128],
    ['a crop with 2×2 taps (its fast path)', 640, 360, { x: 200, y: 80, w: 200, h: 200 }, 128],
    ['a crop with 2×2 taps over the frame edge', 640, 360, { x: 500, y: -40, w: 260, h: 260 }, 128],
    ['a crop over two edges with 3×3 taps (fast interior, checked border)', 640, 360, { x: -90.5, y: 150.25, w: 380, h: 380 }, 128],
    ['a crop wholly outside the frame', 640, 360, { x: 700, y: 10, w: 200, h: 200 }, 128],
    ['an enlargement (1 tap)', 64, 48, { x: 0, y: 0, w: 64, h: 48 }, 128],
  ])('%s: bit-identical', (_, w, h, area, size) => {
    const data = frame(w, h);
    const out = new Float32Array(size * size * 3);
    fillLetterboxed(data, w, h, area, size, out);
    const want = referenceLetterbox(data, w, h, area, size);
    let differing = 0;
    for (let i = 0; i < out.length; i++) if (!Object.is(out[i], want[i])) differing++;
    expect(differing).toBe(0);
  });
});

describe('toDetection', () => {
  it('maps box and six keypoints to frame pixels', () => {
    const lb = letterboxFor({ x: 0, y: 0, w: 512, h: 256 }, 256);
    const kp = Array.from({ length: 6 }, (_, k) => ({ x: 10 * k, y: 64 + k }));
    const d = toDetection({ score: 0.8, box: { x: 0, y: 64, w: 10, h: 10 }, keypoints: kp }, lb);
    expect(d.box).toEqual({ x: 0, y: 0, w: 20, h: 20 });
    expect(d.landmarks.mouth).toEqual({ x: 60, y: 6 });
    expect(d.landmarks.rightEar).toEqual({ x: 100, y: 10 });
  });
});
