import { RollingRobust, robustZ } from './robust-baseline.js';
import type { EpistemicSample, SpikeAlertEvent, SpikePeak, SpikePolicy } from './types.js';

interface Segment {
  startSeq: number;
  startPtsMs: number;
  lastAbove: { seq: number; ptsMs: number };
  belowSincePtsMs: number | null;
  peak: SpikePeak;
  detectors: Set<string>;
  baseline: { median: number; scale: number };
  open: boolean;
}

/**
 * Epistemic-spike detection for one track. Pure state machine, driven by media time (`ptsMs`),
 * so it behaves the same in tests and live:
 *
 *   idle ──z ≥ openZ──► pending ──stays ≥ closeZ for minDurationMs──► open (start)
 *     ▲                    │ z < closeZ                                 │ new peak (update)
 *     └────────────────────┘                 below closeZ for closeAfterMs (end)
 *
 * z is the largest robust z over the detectors that answered, each against its own rolling
 * median/MAD baseline. Only idle frames feed the baselines, so a spike cannot raise the baseline
 * it is measured against.
 */
export class SpikeTracker {
  private readonly baselines = new Map<string, RollingRobust>();
  private segment: Segment | null = null;

  constructor(
    readonly trackId: number,
    private readonly policy: SpikePolicy,
  ) {}

  push(sample: EpistemicSample): SpikeAlertEvent[] {
    const p = this.policy;
    let best: (SpikePeak & { baseline: { median: number; scale: number } }) | null = null;
    const above: string[] = [];
    for (const [detector, value] of Object.entries(sample.epistemic)) {
      const b = this.baselines.get(detector);
      const stats = b && b.size >= p.minBaselineFrames ? b.stats() : null;
      if (!stats) continue;
      const z = robustZ(value, stats, p.minScale);
      if (z >= p.openZ) above.push(detector);
      if (!best || z > best.z) best = { seq: sample.seq, ptsMs: sample.ptsMs, epistemic: value, z, detector, baseline: stats };
    }
    const seg = this.segment;
    const events: SpikeAlertEvent[] = [];
    if (!seg) {
      if (best && best.z >= p.openZ) {
        const { baseline, ...peak } = best;
        this.segment = {
          startSeq: sample.seq,
          startPtsMs: sample.ptsMs,
          lastAbove: { seq: sample.seq, ptsMs: sample.ptsMs },
          belowSincePtsMs: null,
          peak,
          detectors: new Set(above),
          baseline,
          open: false,
        };
        events.push(...this.maybeOpen(sample.ptsMs));
      } else {
        this.feed(sample);
      }
      return events;
    }
    if (best && best.z >= p.closeZ) {
      seg.lastAbove = { seq: sample.seq, ptsMs: sample.ptsMs };
      seg.belowSincePtsMs = null;
      for (const d of above) seg.detectors.add(d);
      const newPeak = best.z > seg.peak.z;
      if (newPeak) {
        const { baseline: _b, ...peak } = best;
        seg.peak = peak;
      }
      if (!seg.open) events.push(...this.maybeOpen(sample.ptsMs));
      else if (newPeak) events.push(this.event('update'));
      return events;
    }
    if (!seg.open) {
      // A blip shorter than minDurationMs: forget it.
      this.segment = null;
      this.feed(sample);
      return events;
    }
    seg.belowSincePtsMs ??= sample.ptsMs;
    if (sample.ptsMs - seg.belowSincePtsMs >= p.closeAfterMs) {
      events.push(this.event('end'));
      this.segment = null;
      this.feed(sample);
    }
    return events;
  }

  /** The track ended (or the stream did): closes an open alert. */
  finish(): SpikeAlertEvent[] {
    const seg = this.segment;
    this.segment = null;
    return seg?.open ? [this.eventOf(seg, 'end')] : [];
  }

  private maybeOpen(ptsMs: number): SpikeAlertEvent[] {
    const seg = this.segment as Segment;
    if (ptsMs - seg.startPtsMs < this.policy.minDurationMs) return [];
    seg.open = true;
    return [this.event('start')];
  }

  private feed(sample: EpistemicSample): void {
    for (const [detector, value] of Object.entries(sample.epistemic)) {
      let b = this.baselines.get(detector);
      if (!b) {
        b = new RollingRobust(this.policy.windowFrames);
        this.baselines.set(detector, b);
      }
      b.push(value);
    }
  }

  private event(phase: SpikeAlertEvent['phase']): SpikeAlertEvent {
    return this.eventOf(this.segment as Segment, phase);
  }

  private eventOf(seg: Segment, phase: SpikeAlertEvent['phase']): SpikeAlertEvent {
    return {
      phase,
      trackId: this.trackId,
      startSeq: seg.startSeq,
      startPtsMs: seg.startPtsMs,
      endSeq: phase === 'end' ? seg.lastAbove.seq : null,
      endPtsMs: phase === 'end' ? seg.lastAbove.ptsMs : null,
      peak: seg.peak,
      detectors: [...seg.detectors].sort(),
      baseline: seg.baseline,
    };
  }
}
