import { describe, expect, it } from 'vitest';
import { buildPpgMap } from '../../../src/detectors/rppg/ppg-map.js';

describe('buildPpgMap', () => {
  const signal = [1, -1, 1, -1, 2, -2];
  const psd = [0, 2, 4, 1];

  it('lays out rows as [z-scored, clipped signal | PSD / max], missing rows zero', () => {
    const map = buildPpgMap([{ signal, psd }, null], 6, 4);
    expect(map.rows).toBe(2);
    expect(map.cols).toBe(10);
    expect(map.data.length).toBe(20);
    expect(Array.from(map.cellValid)).toEqual([1, 0]);
    // signal mean 0, std sqrt(12/6) = √2: z = ±1/√2, ±√2; divided by the clip 3.
    const z = [1, -1, 1, -1, 2, -2].map((v) => v / Math.SQRT2 / 3);
    z.forEach((v, i) => expect(map.data[i]).toBeCloseTo(v, 6));
    [0, 0.5, 1, 0.25].forEach((v, i) => expect(map.data[6 + i]).toBeCloseTo(v, 6));
    for (let i = 10; i < 20; i++) expect(map.data[i]).toBe(0);
  });

  it('clips spikes to ±1 so one motion artefact does not flatten the row', () => {
    const spiky = [0, 0, 0, 0, 0, 0, 0, 0, 0, 100];
    const map = buildPpgMap([{ signal: spiky, psd: [1] }], 10, 1);
    expect(map.data[9]).toBe(1);
  });

  it('marks flat cells as missing and rejects rows of the wrong size', () => {
    const flat = buildPpgMap([{ signal: [3, 3, 3], psd: [1] }], 3, 1);
    expect(flat.cellValid[0]).toBe(0);
    expect(() => buildPpgMap([{ signal: [1, 2], psd: [1] }], 3, 1)).toThrow(RangeError);
  });
});
