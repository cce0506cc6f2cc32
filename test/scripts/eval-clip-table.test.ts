import { describe, expect, it } from 'vitest';
import { clipTable, confidentWrong, whyOf } from '../../scripts/eval-clip-table.js';
import { evalReportFixture } from '../eval/fixtures.js';

describe('eval-clip-table', () => {
  it('names the abstention rule behind a stored reason', () => {
    expect(whyOf('p(fake) 0.49: "real" would be right with probability 0.51 only (< 0.7)')).toBe('not-confident');
    expect(whyOf('face 2 of 2: p(fake) 0.39: "real" would be right with probability 0.61 only (< 0.7)')).toBe('not-confident');
    expect(whyOf('epistemic uncertainty 0.812 nats > 0.69315')).toBe('out-of-distribution');
    expect(whyOf('epistemic-spike alerts cover 80 % of the face time (> 50 %); without them: p(fake) 0.91 ≥ 0.5')).toBe('uncertain-segments');
    expect(whyOf('detectors disagree: spread of p(fake) 0.330 > 0.25')).toBe('disagreement');
    expect(whyOf('something new')).toBe('other');
  });

  it('flags a decided verdict beyond 0.8 on the wrong side, and nothing else', () => {
    const r = evalReportFixture();
    const base = r.clips[0]!;
    const withP = (label: 'real' | 'fake', p: number, verdict: 'real' | 'fake' | 'uncertain') => ({ ...base, item: { ...base.item, label }, fused: { ...base.fused, pFake: p }, verdict });
    expect(confidentWrong(withP('real', 0.85, 'fake'))).toBe(true);
    expect(confidentWrong(withP('fake', 0.15, 'real'))).toBe(true);
    expect(confidentWrong(withP('real', 0.75, 'fake'))).toBe(false);
    expect(confidentWrong(withP('real', 0.95, 'uncertain'))).toBe(false);
    expect(confidentWrong(withP('fake', 0.95, 'fake'))).toBe(false);
  });

  it('writes one row per analysed clip and the counts under the table', () => {
    const r = evalReportFixture();
    const md = clipTable(r, 'about this run');
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| clip'));
    expect(rows).toHaveLength(r.clips.filter((c) => !c.error && c.perturbation === 'none').length);
    expect(md).toContain('about this run');
    expect(md).toMatch(/answered \d+, of which correct \d+; uncertain \d+/);
  });
});
