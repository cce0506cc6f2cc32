import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/pipeline/report-schema.js';
import { ReportBuilder } from '../../src/pipeline/report.js';
import { summarizeSamples } from '../../src/core/uncertainty.js';
import { humanReport } from '../../src/report/human-report.js';
import { renderHtmlReport } from '../../src/report/html-report.js';

const policy = { decisionThreshold: 0.5, margin: 0.05, maxEpistemic: 0.6, maxDisagreement: 0.5, minEvidenceFrames: 3, weights: { blind: 1 }, source: 'unit <test>' };

function report(p: number, source = 'clip<script>.mp4', pol: typeof policy & { calibration?: { a: number; b: number } } = policy): Report {
  const b = new ReportBuilder(['blind'], true, null, pol);
  for (let i = 0; i < 30; i++) {
    const u = summarizeSamples([p - 0.01, p, p + 0.01])!;
    b.add({
      streamId: 's',
      seq: i,
      ptsMs: i * 100,
      width: 64,
      height: 64,
      endedTracks: [],
      timing: { facesMs: 0, detectorsMs: 0 },
      faces: [{ trackId: 1, box: { x: 0, y: 0, w: 10, h: 10 }, landmarks: {} as never, score: 1, source: 'detected', detectors: { blind: { state: 'ok', pFake: u.mean, uncertainty: u } } }],
    });
  }
  const media = { displayWidth: 64, displayHeight: 64, codec: 'h264', still: false, durationMs: 3000 } as Report['input']['media'];
  return b.build(
    {
      tool: { name: 'fakescope', version: 't' },
      input: { source, media },
      analysis: { width: 64, height: 64, fps: null, faceDetector: 'f', detectors: ['blind'], startedAt: '', finishedAt: 'now', wallMs: 0, framesPerSecond: 0, droppedFrames: 0, detectorErrors: 0, complete: true },
    },
    pol,
  );
}

describe('printable HTML report', () => {
  it('shows moments and detector stances on the scale of the calibrated fused score', () => {
    // The detector says 0.6; the policy's Platt map puts that at σ(logit 0.6 − 1) ≈ 0.36, under the 0.5 line.
    const r = report(0.6, 'c.mp4', { ...policy, calibration: { a: 1, b: -1 } });
    const h = humanReport(r);
    const mapped = 1 / (1 + Math.exp(-(Math.log(0.6 / 0.4) - 1)));
    expect(r.summary.pFake).toBeCloseTo(mapped, 10);
    expect(h.moments.length).toBeGreaterThan(0);
    for (const m of h.moments) expect(m.score).toBeCloseTo(mapped, 10);
    // unmapped, 0.6 would sit on the "fake" side of the 0.5 line while the fused score is on the other
    expect(h.detectors.find((d) => d.name === 'blind')?.stance).toBe('agrees');
    expect(h.detectors.find((d) => d.name === 'blind')?.pFake).toBeCloseTo(0.6, 10);
  });

  it('leads with the verdict in words, lists faces, moments and detectors, folds the numbers away', () => {
    const r = report(0.9);
    const html = renderHtmlReport(humanReport(r), r, [{ seq: 0, ptsMs: 0, dataUri: 'data:image/jpeg;base64,AAAA' }]);
    expect(html).toMatch(/<h1 id="headline">Likely manipulated<\/h1>/);
    expect(html).toContain('high confidence · score 90 % likely manipulated');
    expect(html).toContain('Face #1</b> (0.0 s–2.9 s)');
    expect(html).toMatch(/<details><summary>Technical details<\/summary>.*epistemic/s);
    expect(html).toContain('<td>blind</td><td>90 %</td><td>weight 1.00</td><td>agrees</td>');
    // Self-contained and safe: no scripts, no network, names escaped.
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(html).toContain('clip&#60;script&#62;.mp4');
    expect(html).toContain('unit &#60;test&#62;');
  });

  it('says "Can\'t tell" and why for an abstention near the line', () => {
    const r = report(0.52);
    const html = renderHtmlReport(humanReport(r), r);
    expect(html).toContain(`<h1 id="headline">Can&#39;t tell</h1>`);
    expect(html).toContain('too close to the line');
  });
});
