import { describe, expect, it } from 'vitest';
import { detrendLinear } from '../../../../src/detectors/rppg/signal/detrend.js';

describe('detrendLinear', () => {
  it.each([
    ['empty', [], []],
    ['one sample', [5], [0]],
    ['constant', [4, 4, 4], [0, 0, 0]],
    ['line', [1, 3, 5, 7], [0, 0, 0, 0]],
    // (1, −1, −1, 1) is orthogonal to both the constant and the centred ramp, so it survives intact.
    ['line plus an orthogonal pattern', [2, 2, 4, 8], [1, -1, -1, 1]],
  ])('%s', (_name, x, want) => {
    const out = Array.from(detrendLinear(x));
    expect(out.length).toBe(want.length);
    out.forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 12));
  });

  it('keeps a zero-mean wave that is symmetric about the window centre, riding on a ramp', () => {
    // cos about the centre is even, so orthogonal to the centred ramp; 8 whole periods: zero mean.
    const wave = (i: number) => Math.cos((2 * Math.PI * 8 * (i - 63.5)) / 128);
    const out = detrendLinear(Array.from({ length: 128 }, (_, i) => 100 + 0.5 * i + wave(i)));
    for (let i = 0; i < 128; i++) expect(out[i]).toBeCloseTo(wave(i), 9);
  });
});
