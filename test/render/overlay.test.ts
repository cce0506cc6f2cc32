import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { FaceResult } from '../../src/pipeline/frame-result-schema.js';
import { boxColour, faceLabel, facesSvg, heatMapsOf, renderOverlay } from '../../src/render/overlay.js';
import { inferno } from '../../src/render/colormap.js';

const W = 160;
const H = 120;
const frame = { streamId: 's', seq: 0, ptsMs: 0, width: W, height: H, data: new Uint8Array(W * H * 3).fill(90) };
const p = (x: number, y: number) => ({ x, y });
function face(map: boolean): FaceResult {
  return {
    trackId: 1,
    box: { x: 50, y: 30, w: 60, h: 60 },
    landmarks: { leftEye: p(68, 52), rightEye: p(92, 52), noseTip: p(80, 64), mouth: p(80, 76), leftEar: p(55, 58), rightEar: p(105, 58) },
    score: 0.9,
    source: 'detected',
    detectors: {
      blind: {
        state: 'ok',
        pFake: 0.9,
        uncertainty: null,
        ...(map ? { map: { gridW: 2, gridH: 2, cropSize: 64, pFake: [0.1, 0.2, 0.3, 0.9], epistemic: [0, 0, 0, 0.15] } } : {}),
      },
    },
  };
}

async function pixels(buf: Buffer) {
  const { data, info } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

describe('overlay rendering', () => {
  it('renders a decodable image of the frame size in each format', async () => {
    for (const format of ['jpeg', 'webp', 'png'] as const) {
      const { info } = await pixels(await renderOverlay(frame, [face(false)], { format }));
      expect([info.width, info.height]).toEqual([W, H]);
    }
  });

  it('blends the epistemic map over the face only where it is non-zero', async () => {
    const plain = await pixels(await renderOverlay(frame, [face(true)], { format: 'png', heat: 'none' }));
    const heat = await pixels(await renderOverlay(frame, [face(true)], { format: 'png' }));
    const at = (img: { data: Buffer; info: { channels: number } }, x: number, y: number) => {
      const c = img.info.channels;
      return Array.from(img.data.subarray((y * W + x) * c, (y * W + x) * c + 3));
    };
    // Bottom-right quadrant of the aligned crop (below-right of the nose) carries epistemic 0.15.
    expect(at(heat, 92, 78)).not.toEqual(at(plain, 92, 78));
    // The top-left quadrant has zero epistemic uncertainty: left as it was.
    expect(at(heat, 66, 45)).toEqual(at(plain, 66, 45));
  });

  it('builds heat maps from detector maps, scaled and clamped to [0, 1]', () => {
    const maps = heatMapsOf([face(true), { ...face(false), trackId: 2 }], 'epistemic', 0.1);
    expect([...maps.keys()]).toEqual([1]);
    expect(Array.from(maps.get(1)!.values)).toEqual([0, 0, 0, 1]);
  });

  it('colours boxes by the face verdict: grey without an answer, green real, amber can\'t tell, red fake', () => {
    expect(boxColour(undefined)).toBe('#9aa0a6');
    expect(boxColour({ verdict: 'uncertain', why: 'no-answer', pFake: null })).toBe('#9aa0a6');
    expect(boxColour({ verdict: 'real', why: 'decided', pFake: 0.1 })).toBe('#34c759');
    expect(boxColour({ verdict: 'uncertain', why: 'near-threshold', pFake: 0.5 })).toBe('#ffb000');
    expect(boxColour({ verdict: 'fake', why: 'decided', pFake: 0.9 })).toBe('#ff3b30');
    expect(inferno(0)).toEqual([0, 0, 4]);
    expect(inferno(1)).toEqual([252, 255, 164]);
  });

  it('labels a face with its track verdict, not with an average of its detectors', () => {
    // Detector "blind" says 0.9 on this frame; the track verdict (fused, pooled so far) says 0.62.
    const f = { ...face(false), verdict: { verdict: 'uncertain', why: 'near-threshold', pFake: 0.62 } } as const;
    expect(faceLabel(f)).toBe("#1 can't tell 0.62");
    expect(faceLabel(face(false))).toBe('#1 no answer');
    const svg = facesSvg(W, H, [f], faceLabel);
    expect(svg).toContain('#1 can&#39;t tell 0.62');
    expect(svg).not.toContain('0.90');
  });
});
