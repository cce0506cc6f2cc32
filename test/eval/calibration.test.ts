import { describe, expect, it } from 'vitest';
import type { CalibrationSegment } from '../../src/eval/calibration.js';
import { fitVerdictPolicy, properSubsets, trainSourceClassifier } from '../../src/eval/calibration.js';
import { POLICY_FORMAT } from '../../src/pipeline/calibration-files.js';

const entropy = (p: number) => -(p * Math.log(p) + (1 - p) * Math.log(1 - p));

/** Detector features of one segment as the runner writes them (`<detector>.<stat>`). */
function scores(detector: string, p: number, epistemic: number): Record<string, number> {
  return { [`${detector}.pFake`]: p, [`${detector}.std`]: 0.05, [`${detector}.entropy`]: entropy(p), [`${detector}.aleatoric`]: entropy(p) - epistemic, [`${detector}.epistemic`]: epistemic };
}

/** 6 clips × 4 segments: real ones low on both detectors, fakes (two methods) high, "b" noisier. */
const SEGMENTS: CalibrationSegment[] = [0, 1, 2, 3, 4, 5].flatMap((clip) =>
  [0, 1, 2, 3].map((k) => {
    const fake = clip >= 2;
    const method = fake ? (clip % 2 === 0 ? 'swap' : 'reenact') : '-';
    const pa = fake ? 0.7 + 0.05 * k : 0.1 + 0.05 * k;
    const pb = fake ? 0.4 + 0.1 * k : 0.2 + 0.1 * k;
    return {
      item: { file: `${fake ? `fake/${method}` : 'real'}/${clip}.mp4`, label: fake ? 'fake' : 'real', method, clip: `c${clip}` },
      features: { ...scores('a', pa, 0.01), ...scores('b', pb, 0.02), motion: (method === 'swap' ? 2 : method === 'reenact' ? -2 : 0) + 0.1 * k },
    } satisfies CalibrationSegment;
  }),
);

const FITTED_ON = { dataset: 'set', datasetSha256: 'abc', items: 6, failed: 0, segmentFrames: 30, detectors: ['a', 'b'], createdAt: '2026-01-01T00:00:00.000Z' };

describe('fitVerdictPolicy', () => {
  it('fits weights and thresholds on the fused segments and says what it was fitted on', () => {
    const policy = fitVerdictPolicy(SEGMENTS, { targetAccuracy: 0.9, minConfidence: 0.5 }, FITTED_ON);
    expect(policy?.format).toBe(POLICY_FORMAT);
    expect(Object.keys(policy?.weights ?? {})).toEqual(['a', 'b']);
    expect(policy?.weights?.a).toBeGreaterThan(policy?.weights?.b as number); // "a" separates better
    expect(policy?.decisionThreshold).toBeGreaterThan(0.1);
    expect(policy?.decisionThreshold).toBeLessThan(0.9);
    expect(Object.keys(policy?.fittedOn ?? {})).toEqual(['dataset', 'datasetSha256', 'items', 'failed', 'segments', 'segmentFrames', 'detectors', 'createdAt']);
    expect(policy?.fittedOn).toMatchObject({ segments: 24, detectors: ['a', 'b'] });
    expect(policy?.fit).toHaveProperty('fusionNll');
    // the fused score's Platt map, fitted before the thresholds, lowers the class-balanced NLL
    expect(policy?.calibration?.method).toBe('platt');
    expect(policy?.calibration?.a).toBeGreaterThan(0);
    expect(policy?.calibration?.nllAfter).toBeLessThan(policy?.calibration?.nllBefore as number);
  });

  it('fits a map for each detector alone, on the segments it answered, for mixtures missing the other', () => {
    const policy = fitVerdictPolicy(SEGMENTS, { targetAccuracy: 0.9, minConfidence: 0.5 }, FITTED_ON);
    const positive = Object.entries(policy?.weights ?? {}).filter(([, w]) => w > 0).map(([d]) => d);
    const subsets = policy?.calibration?.subsets ?? [];
    expect(subsets.map((s) => s.detectors)).toEqual(positive.length === 2 ? [['a'], ['b']] : []);
    for (const s of subsets) {
      expect(s.a).toBeGreaterThan(0);
      expect(s.segments).toBe(24);
      expect(s.nllAfter).toBeLessThanOrEqual(s.nllBefore);
    }
  });

  it('properSubsets lists every non-empty proper subset, smallest first', () => {
    expect(properSubsets(['x'])).toEqual([]);
    expect(properSubsets(['x', 'y'])).toEqual([['x'], ['y']]);
    expect(properSubsets(['x', 'y', 'z'])).toEqual([['x'], ['y'], ['z'], ['x', 'y'], ['x', 'z'], ['y', 'z']]);
  });

  it('is null when no segment has a detector answer', () => {
    expect(fitVerdictPolicy(SEGMENTS.map((s) => ({ ...s, features: { motion: 1 } })), { targetAccuracy: 0.9, minConfidence: 0.5 }, FITTED_ON)).toBeNull();
  });
});

describe('trainSourceClassifier', () => {
  it('learns real and each method, cross-validated one clip out at a time, and keeps the CV in the file', () => {
    const training = { source: 'test', segmentFrames: 30, createdAt: FITTED_ON.createdAt };
    const { model, crossValidation, file } = trainSourceClassifier(SEGMENTS, training);
    expect(model.classes).toEqual(['real', 'reenact', 'swap']);
    expect(crossValidation.folds).toBe(6);
    expect(crossValidation.items).toBe(24);
    expect(file).toEqual({ ...model, training: { ...model.training, crossValidation } });
  });
});
