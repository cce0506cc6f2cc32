import { describe, expect, it } from 'vitest';
import { createFftPlan } from '../../../../src/detectors/rppg/signal/fft.js';
import { SNR_LIMIT_DB, bandPeak, bandProfile, powerSpectrum, snrDb } from '../../../../src/detectors/rppg/signal/spectrum.js';
import { gaussian, rng } from '../synth.js';

const plan = createFftPlan(2048);
const tone = (f: number, n = 128, fs = 30, phase = 0.3) => Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / fs + phase));

describe('powerSpectrum', () => {
  it('scales a tone of amplitude A to a peak of about A²/2 at its frequency', () => {
    const s = powerSpectrum(tone(1.2).map((v) => 2 * v), 30, plan);
    const peak = bandPeak(s, 0.7, 4);
    expect(peak?.power).toBeCloseTo(2, 1);
    expect(s.df).toBeCloseTo(30 / 2048, 12);
  });

  it('rejects signals longer than the FFT', () => {
    expect(() => powerSpectrum(new Array(4096).fill(0), 30, plan)).toThrow(RangeError);
  });
});

describe('bandPeak', () => {
  it.each([0.75, 1.0, 1.2, 1.234, 2.0, 3.3])('finds a %f Hz tone within 0.3 bpm', (f) => {
    const peak = bandPeak(powerSpectrum(tone(f), 30, plan), 0.7, 4);
    expect(Math.abs((peak?.freqHz as number) * 60 - f * 60)).toBeLessThan(0.3);
  });

  it('flags a maximum on the band edge', () => {
    expect(bandPeak(powerSpectrum(tone(0.3), 30, plan), 0.7, 4)?.atEdge).toBe(true);
    expect(bandPeak(powerSpectrum(tone(1.2), 30, plan), 0.7, 4)?.atEdge).toBe(false);
  });

  it('returns null for a signal without power', () => {
    expect(bandPeak(powerSpectrum(new Array(128).fill(0), 30, plan), 0.7, 4)).toBeNull();
  });
});

describe('snrDb', () => {
  const hw = 1 / (128 / 30);
  it('is high for a pulse with its harmonic and low for white noise', () => {
    const pulse = tone(1.2).map((v, i) => v + 0.3 * Math.sin((2 * Math.PI * 2.4 * i) / 30));
    const sp = powerSpectrum(pulse, 30, plan);
    expect(snrDb(sp, 1.2, 0.7, 4, hw)).toBeGreaterThan(8);
    const noise = gaussian(rng(5));
    const sn = powerSpectrum(Array.from({ length: 128 }, noise), 30, plan);
    const peak = bandPeak(sn, 0.7, 4);
    expect(snrDb(sn, peak?.freqHz as number, 0.7, 4, hw)).toBeLessThan(3);
  });

  it('counts the harmonic as signal', () => {
    const pulse = tone(1.2).map((v, i) => v + 0.5 * Math.sin((2 * Math.PI * 2.4 * i) / 30));
    const sp = powerSpectrum(pulse, 30, plan);
    // Template at 1.2 Hz covers 2.4 Hz too; a template at 1.5 Hz covers neither.
    expect(snrDb(sp, 1.2, 0.7, 4, hw)).toBeGreaterThan(snrDb(sp, 1.5, 0.7, 4, hw) + 10);
  });

  it('is NaN without power and clamped without noise', () => {
    expect(snrDb(powerSpectrum(new Array(128).fill(0), 30, plan), 1.2, 0.7, 4, hw)).toBeNaN();
    // A template covering the whole band leaves no noise.
    expect(snrDb(powerSpectrum(tone(1.2), 30, plan), 2, 0.7, 4, 2)).toBe(SNR_LIMIT_DB);
  });
});

describe('bandProfile', () => {
  it('samples the band evenly and peaks at the tone', () => {
    const s = powerSpectrum(tone(2.35), 30, plan);
    const profile = bandProfile(s, 0.7, 4, 34);
    expect(profile.length).toBe(34);
    // 34 points over 3.3 Hz: 0.1 Hz apart, the tone at index (2.35 − 0.7) / 0.1 = 16.5.
    const argmax = profile.indexOf(Math.max(...profile));
    expect([16, 17]).toContain(argmax);
  });
});
