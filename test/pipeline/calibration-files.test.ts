import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/app.js';
import { parseConfig } from '../../src/config/schema.js';
import { POLICY_FORMAT, loadAttribution, loadPolicy } from '../../src/pipeline/calibration-files.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fakescope-cal-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const policyFile = (extra: object = {}) => ({
  format: POLICY_FORMAT,
  decisionThreshold: 0.55,
  margin: 0.05,
  maxEpistemic: 0.2,
  maxDisagreement: 0.25,
  fittedOn: { dataset: 'calib', datasetSha256: 'abcdef0123456789', items: 18, segments: 84, detectors: ['rppg', 'blind-mobilenet-mcd'] },
  fit: {},
  ...extra,
});

describe('loadPolicy', () => {
  it('uses the fitted thresholds and says where they came from', () => {
    writeFileSync(join(dir, 'p.json'), JSON.stringify(policyFile()));
    const p = loadPolicy(parseConfig({ verdict: { fitted: join(dir, 'p.json'), minEvidenceFrames: 7 } }), '/', ['rppg', 'blind-mobilenet-mcd']);
    expect(p).toMatchObject({ decisionThreshold: 0.55, margin: 0.05, maxEpistemic: 0.2, maxDisagreement: 0.25, minEvidenceFrames: 7 });
    expect(p.source).toMatch(/fitted by fakescope calibrate on calib \(sha256 abcdef012345; 18 clips, 84 segments\)$/);
    writeFileSync(join(dir, 'p2.json'), JSON.stringify(policyFile({ fit: { targetMet: false, targetAccuracy: 0.9, accuracyLowerBound: 0.75 } })));
    expect(loadPolicy(parseConfig({ verdict: { fitted: join(dir, 'p2.json') } }), '/', ['rppg', 'blind-mobilenet-mcd']).source).toMatch(/target accuracy 0.9 was not reachable on that set \(best 95 % lower bound 0.75\)/);
    expect(loadPolicy(parseConfig({ verdict: { fitted: join(dir, 'p.json') } }), '/', ['rppg']).source).toMatch(/may not transfer/);
  });
  it('uses the configured numbers when fitted is null', () => {
    const p = loadPolicy(parseConfig({ verdict: { fitted: null, margin: 0.2 } }), '/', []);
    expect(p.margin).toBe(0.2);
    expect(p.source).toMatch(/not fitted/);
  });
  it('names a missing or malformed file', () => {
    expect(() => loadPolicy(parseConfig({ verdict: { fitted: join(dir, 'none.json') } }), '/', [])).toThrow(/verdict policy not found/);
    writeFileSync(join(dir, 'bad.json'), '{');
    expect(() => loadPolicy(parseConfig({ verdict: { fitted: join(dir, 'bad.json') } }), '/', [])).toThrow(/not valid JSON/);
    writeFileSync(join(dir, 'bad2.json'), JSON.stringify(policyFile({ margin: 'x' })));
    expect(() => loadPolicy(parseConfig({ verdict: { fitted: join(dir, 'bad2.json') } }), '/', [])).toThrow(/fakescope-verdict-policy-v1/);
  });
  it('reads the Platt map of the fused score, and refuses one that is not an increasing map', () => {
    writeFileSync(join(dir, 'c.json'), JSON.stringify(policyFile({ calibration: { method: 'platt', a: 0.8, b: -0.4, nllBefore: 0.7, nllAfter: 0.6 } })));
    expect(loadPolicy(parseConfig({ verdict: { fitted: join(dir, 'c.json') } }), '/', []).calibration).toEqual({ a: 0.8, b: -0.4 });
    expect(loadPolicy(parseConfig({ verdict: { fitted: join(dir, 'p.json') } }), '/', []).calibration).toBeUndefined();
    for (const bad of [{ method: 'isotonic', a: 1, b: 0 }, { method: 'platt', a: -1, b: 0 }, { method: 'platt', a: 1, b: 'x' }, null]) {
      writeFileSync(join(dir, 'c2.json'), JSON.stringify(policyFile({ calibration: bad })));
      expect(() => loadPolicy(parseConfig({ verdict: { fitted: join(dir, 'c2.json') } }), '/', [])).toThrow(/calibration must be/);
    }
  });
  it('reads the maps for subsets of the detectors, and refuses malformed ones', () => {
    const subsets = [{ detectors: ['blind'], a: 1.2, b: -0.1, nllBefore: 0.7, nllAfter: 0.6, segments: 10 }];
    writeFileSync(join(dir, 's.json'), JSON.stringify(policyFile({ calibration: { method: 'platt', a: 2, b: 0, nllBefore: 0.7, nllAfter: 0.6, subsets } })));
    expect(loadPolicy(parseConfig({ verdict: { fitted: join(dir, 's.json') } }), '/', []).calibration).toEqual({ a: 2, b: 0, subsets: [{ detectors: ['blind'], a: 1.2, b: -0.1 }] });
    for (const bad of [{}, [{ detectors: [], a: 1, b: 0 }], [{ detectors: ['x'], a: 0, b: 0 }], [{ detectors: [3], a: 1, b: 0 }]]) {
      writeFileSync(join(dir, 's2.json'), JSON.stringify(policyFile({ calibration: { method: 'platt', a: 2, b: 0, subsets: bad } })));
      expect(() => loadPolicy(parseConfig({ verdict: { fitted: join(dir, 's2.json') } }), '/', [])).toThrow(/calibration.subsets must be/);
    }
  });
  it('the shipped policy and attribution model load', () => {
    const config = parseConfig({});
    // fitted on the calib split of the corpus and development media (models/training/eval_sets.py)
    expect(loadPolicy(config, PACKAGE_ROOT, ['rppg', 'blind-faceres-sbi-mcd', 'identity']).source).toMatch(/^fitted by fakescope calibrate on models\/training\/cache\/sets\/calib/);
    expect(loadAttribution(config, PACKAGE_ROOT)?.classes).toEqual(['real', 'aniportrait', 'anitalker', 'deepfacelive-dfm', 'edtalk', 'styleheat']);
    expect(loadAttribution(parseConfig({ attribution: { model: null } }), PACKAGE_ROOT)).toBeNull();
  });
});
