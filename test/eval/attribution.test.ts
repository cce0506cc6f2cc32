import { describe, expect, it } from 'vitest';
import { crossValidate } from '../../src/eval/attribution-card.js';
import { quantile } from '../../src/core/stats.js';
import { trainAttribution } from '../../src/eval/attribution-train.js';
import type { AttributionModel } from '../../src/pipeline/attribution.js';
import { ATTRIBUTION_FORMAT, checkAttributionModel, classProbabilities, estimateSource, softmax } from '../../src/pipeline/attribution.js';

/** Three classes separated along two features, with a noise feature and some missing values. */
function data(seed = 1) {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  const centres: Record<string, [number, number]> = { real: [0, 0], swap: [3, 0], sbi: [0, 3] };
  const rows: (number | null)[][] = [];
  const labels: string[] = [];
  const groups: string[] = [];
  for (const [label, [a, b]] of Object.entries(centres)) {
    for (let i = 0; i < 30; i++) {
      rows.push([a + rnd(), b + rnd(), rnd() * 10, i % 7 === 0 ? null : a * 2 + rnd()]);
      labels.push(label);
      groups.push(`clip${i % 3}`);
    }
  }
  return { names: ['x', 'y', 'noise', 'x2'], rows, labels, groups };
}

describe('softmax', () => {
  it('is stable for large logits and sums to 1', () => {
    const p = softmax([1000, 1000, 998]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[0]).toBeCloseTo(p[1]!, 12);
    expect(p[2]).toBeLessThan(p[0]!);
  });
});

describe('trainAttribution / estimateSource', () => {
  it('separates separable classes, states the training set and keeps real first', () => {
    const d = data();
    const m = trainAttribution(d.names, d.rows, d.labels, { training: { source: 'unit' }, keepData: true });
    expect(m.classes).toEqual(['real', 'sbi', 'swap']);
    expect(m.training.perClass).toEqual({ real: 30, sbi: 30, swap: 30 });
    expect(m.data?.labels.length).toBe(90);
    const right = d.rows.filter((r, i) => {
      const p = classProbabilities(m, r);
      return m.classes[p.indexOf(Math.max(...p))] === d.labels[i];
    }).length;
    expect(right / d.rows.length).toBeGreaterThan(0.95);
    expect(estimateSource(m, { x: 3, y: 0, noise: 0, x2: 6 })?.best).toBe('swap');
    expect(estimateSource(m, { x: 0, y: 3 })?.best).toBe('sbi'); // missing features imputed
  });

  it('answers unknown far from every class only when the top probability is low, and nothing with too few features', () => {
    const d = data();
    const m = trainAttribution(d.names, d.rows, d.labels, { training: { source: 'unit' }, unknownQuantile: 0.1 });
    expect(m.unknownThreshold).toBeGreaterThan(1 / 3);
    const between = estimateSource(m, { x: 1.5, y: 1.5, noise: 0, x2: 3 });
    expect(between?.entropy).toBeGreaterThan(estimateSource(m, { x: 3, y: 0, noise: 0, x2: 6 })!.entropy);
    expect(estimateSource(m, { unrelated: 1 })).toBeNull();
  });

  it('is deterministic', () => {
    const d = data();
    const a = trainAttribution(d.names, d.rows, d.labels, { training: { source: 'unit' } });
    const b = trainAttribution(d.names, d.rows, d.labels, { training: { source: 'unit' } });
    expect(a).toEqual(b);
  });

  it('refuses degenerate input', () => {
    expect(() => trainAttribution(['x'], [[1]], ['real'], { training: { source: 'u' } })).toThrow(/two classes/);
    expect(() => trainAttribution(['x'], [[1]], [], { training: { source: 'u' } })).toThrow(/labels/);
  });
});

describe('crossValidate', () => {
  it('leaves one group out and reports a confusion over every item', () => {
    const d = data();
    const cv = crossValidate(d.names, d.rows, d.labels, d.groups, { training: { source: 'unit' } });
    expect(cv.folds).toBe(3);
    expect(cv.items).toBe(90);
    expect(cv.confusion.flat().reduce((a, b) => a + b, 0)).toBe(90);
    expect(cv.accuracy).toBeGreaterThan(0.9);
  });
});

describe('checkAttributionModel', () => {
  const good: AttributionModel = {
    format: ATTRIBUTION_FORMAT,
    classes: ['real', 'swap'],
    featureNames: ['a'],
    mean: [0],
    std: [1],
    weights: [[1], [-1]],
    bias: [0, 0],
    unknownThreshold: 0.4,
    minFeatureCoverage: 0.5,
    training: { source: 't' },
  };
  it('accepts a well-formed model and names what is wrong with a bad one', () => {
    expect(checkAttributionModel(good, 'f')).toBe(good);
    expect(() => checkAttributionModel({ ...good, format: 'x' }, 'f.json')).toThrow(/f\.json.*format/);
    expect(() => checkAttributionModel({ ...good, std: [0] }, 'f')).toThrow(/std/);
    expect(() => checkAttributionModel({ ...good, weights: [[1]] }, 'f')).toThrow(/shape/);
  });
});

describe('quantile', () => {
  it('interpolates linearly', () => {
    expect(quantile([4, 1, 3, 2], 0)).toBe(1);
    expect(quantile([4, 1, 3, 2], 1)).toBe(4);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
});
