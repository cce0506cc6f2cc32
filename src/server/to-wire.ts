import type { FrameResult } from '../pipeline/frame-result-schema.js';
import type { SpikeAlertEvent } from '../pipeline/alerts/types.js';
import type { VerdictResult } from '../pipeline/verdict.js';
import { plainVerdict } from '../pipeline/plain-language.js';
import type { AlertWire, FaceWire, FrameMsg, VerdictWire } from './wire.js';
import { WIRE_VERSION } from './wire.js';

/** Pipeline values → wire messages. Pure. */

export function verdictToWire(v: VerdictResult, decisionThreshold: number, still = false): VerdictWire {
  const words = plainVerdict({ ...v, decisionThreshold, still });
  return {
    verdict: v.verdict,
    why: v.why,
    headline: words.headline,
    explanation: words.explanation,
    threshold: decisionThreshold,
    reason: v.reason,
    pFake: v.pFake,
    epistemic: v.uncertainty?.epistemic ?? null,
    evidenceFrames: v.evidenceFrames,
  };
}

export function frameToWire(seq: number, r: FrameResult, verdict: VerdictWire): FrameMsg {
  const faces: FaceWire[] = r.faces.map((f) => ({
    trackId: f.trackId,
    box: f.box,
    score: f.score,
    source: f.source,
    ...(f.verdict ? { verdict: f.verdict } : {}),
    detectors: Object.fromEntries(
      Object.entries(f.detectors).map(([name, d]) => [
        name,
        { state: d.state, pFake: d.pFake, uncertainty: d.uncertainty, ...(d.reason !== undefined ? { reason: d.reason } : {}) },
      ]),
    ),
  }));
  return {
    v: WIRE_VERSION,
    type: 'frame',
    seq,
    frame: { seq: r.seq, ptsMs: r.ptsMs, width: r.width, height: r.height, faces },
    verdict,
    timing: r.timing,
  };
}

export function alertToWire(analysisId: string, e: SpikeAlertEvent): AlertWire {
  return {
    id: `${analysisId}-t${e.trackId}-f${e.startSeq}`,
    analysisId,
    phase: e.phase,
    trackId: e.trackId,
    startSeq: e.startSeq,
    startPtsMs: e.startPtsMs,
    endSeq: e.endSeq,
    endPtsMs: e.endPtsMs,
    peak: e.peak,
    detectors: [...e.detectors],
    baseline: e.baseline,
  };
}
