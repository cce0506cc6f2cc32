import { describe, expect, it } from 'vitest';
import { isSkin } from '../../../src/detectors/rppg/skin.js';

describe('isSkin', () => {
  it.each([
    ['light skin', [224, 172, 150], true],
    ['medium skin', [196, 140, 112], true],
    ['dark skin', [110, 72, 55], true],
    ['very dark pixel (shadow, pupil)', [30, 22, 20], false],
    ['saturated highlight', [255, 230, 210], false],
    ['white', [240, 240, 240], false],
    ['grey hair', [150, 150, 150], false],
    ['blue background', [70, 90, 120], false],
    ['green', [60, 160, 60], false],
    ['eye white / sclera', [220, 215, 210], false],
  ])('%s %j → %s', (_name, [r, g, b], want) => {
    expect(isSkin(r as number, g as number, b as number)).toBe(want);
  });
});
