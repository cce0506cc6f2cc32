import { describe, expect, it } from 'vitest';
import { analysisSize } from '../../src/ingest/analysis-size.js';

describe('analysisSize', () => {
  it.each([
    [1920, 1080, 640, 640, 360],
    [1080, 1920, 640, 640, 1138], // portrait: 1137.8 -> even 1138
    [512, 512, 640, 512, 512], // narrower than the analysis width: keep native
    [640, 480, 640, 640, 480],
    [320, 240, 160, 160, 120],
    [321, 241, 640, 321, 242], // odd native size: height still even
    [768, 576, 640, 640, 480],
    [4000, 10, 640, 640, 2], // never below 2
  ])('%ix%i at %i -> %ix%i', (dw, dh, aw, w, h) => {
    expect(analysisSize(dw, dh, aw)).toEqual({ width: w, height: h });
  });

  it('rejects a bad analysis width as config and a sizeless video as corrupt', () => {
    expect(() => analysisSize(640, 480, 0)).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => analysisSize(640, 480, 64.5)).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => analysisSize(0, 480, 640)).toThrow(expect.objectContaining({ code: 'E_INPUT_CORRUPT' }));
  });
});
