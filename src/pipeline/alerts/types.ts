/** Tuning of epistemic-spike alerts (the `server.alerts` config section has the same shape). */
export interface SpikePolicy {
  /** Values per rolling baseline (per track and detector). */
  readonly windowFrames: number;
  /** Baseline values needed before an alert can open. */
  readonly minBaselineFrames: number;
  /** Robust z that opens an alert. */
  readonly openZ: number;
  /** Robust z below which an open alert starts closing (hysteresis: closeZ < openZ). */
  readonly closeZ: number;
  /** Floor of the robust scale, nats. */
  readonly minScale: number;
  /** The spike must stay at or above closeZ this long (media time) before the alert opens. */
  readonly minDurationMs: number;
  /** An open alert ends after this long below closeZ. */
  readonly closeAfterMs: number;
}

/** One track's epistemic uncertainty on one frame, per detector that answered. */
export interface EpistemicSample {
  readonly seq: number;
  readonly ptsMs: number;
  /** Detector name → epistemic uncertainty (nats). */
  readonly epistemic: Readonly<Record<string, number>>;
}

export interface SpikePeak {
  readonly seq: number;
  readonly ptsMs: number;
  readonly epistemic: number;
  readonly z: number;
  readonly detector: string;
}

/** An alert lifecycle event: `start` once, `update` on each new peak, `end` once. */
export interface SpikeAlertEvent {
  readonly phase: 'start' | 'update' | 'end';
  readonly trackId: number;
  readonly startSeq: number;
  readonly startPtsMs: number;
  /** Last frame at or above closeZ; set on `end`. */
  readonly endSeq: number | null;
  readonly endPtsMs: number | null;
  readonly peak: SpikePeak;
  /** Detectors whose robust z reached openZ during the segment, sorted. */
  readonly detectors: readonly string[];
  /** The baseline of the peak's detector when the alert opened. */
  readonly baseline: { readonly median: number; readonly scale: number };
}
