import type { DetectorOutput } from '../detectors/contract.js';
import type { AttributionModel } from './attribution.js';
import { estimateSource } from './attribution.js';
import type { FaceResult, FrameResult } from './frame-result-schema.js';
import type { DetectorSummary, Report, TrackSummary } from './report-schema.js';
import { REPORT_SCHEMA_VERSION } from './report-schema.js';
import { SegmentAccumulator } from './segment-features.js';
import { StatsPool } from '../core/uncertainty.js';
import { TrackAlerts } from './alerts/track-alerts.js';
import type { SpikeAlertEvent, SpikePolicy } from './alerts/types.js';
import type { UncertainSegment, VerdictPolicy, VerdictResult, VideoScore } from './verdict.js';
import { alertCoverage, decideClip, fusedVerdict, poolScore } from './verdict.js';
import type { PlainVerdict } from './plain-language.js';
import { plainVerdict } from './plain-language.js';

interface TrackAcc {
  trackId: number;
  firstSeq: number;
  lastSeq: number;
  firstPtsMs: number;
  lastPtsMs: number;
  frames: number;
  detectedFrames: number;
  pools: Map<string, StatsPool>;
}

/** Accumulates frame results into a report; keeps per-frame results only when asked to. */
export class ReportBuilder {
  private readonly frames: FrameResult[] = [];
  private readonly tracks = new Map<number, TrackAcc>();
  /** Per detector: why outputs were insufficient (scores and counts come from `segment`). */
  private readonly reasons = new Map<string, Map<string, number>>();
  private frameCount = 0;
  private framesWithFaces = 0;
  private maxFaces = 0;
  private lastPtsMs = 0;

  private readonly segment = new SegmentAccumulator();
  private readonly alerts: TrackAlerts | null;
  private readonly segments: UncertainSegment[] = [];
  private readonly openSegments = new Map<number, SpikeAlertEvent>();
  private frameAlerts: readonly SpikeAlertEvent[] = [];

  /**
   * `policy`, when given, is the one each face's running track verdict is decided under (see
   * `add`); the report's verdicts use the policy passed to `build`.
   */
  constructor(
    private readonly detectorNames: readonly string[],
    private readonly keepFrames: boolean,
    private readonly attribution: AttributionModel | null = null,
    private readonly policy: VerdictPolicy | null = null,
    /** Detectors that cannot judge this input (see `DetectorSummary.applicable`). */
    private readonly notApplicable: ReadonlySet<string> = new Set(),
    /** Epistemic-spike alerts (the same figure as the verdict's) reconciled with the verdict; none without. */
    alertPolicy: SpikePolicy | null = null,
  ) {
    for (const n of detectorNames) this.reasons.set(n, new Map());
    this.alerts = alertPolicy ? new TrackAlerts(alertPolicy) : null;
  }

  /** The alert events the last `add`ed frame produced (start, update, end); empty without an alert policy. */
  get lastAlerts(): readonly SpikeAlertEvent[] {
    return this.frameAlerts;
  }

  /**
   * Closes every open alert at the end of the stream and returns the end events, for a live feed
   * to send. The report does not change: it already cuts an open segment at its track's last frame.
   */
  closeAlerts(): SpikeAlertEvent[] {
    return this.alerts?.finish() ?? [];
  }

  private onAlert(e: SpikeAlertEvent): void {
    if (e.phase !== 'end') {
      this.openSegments.set(e.trackId, e);
      return;
    }
    this.openSegments.delete(e.trackId);
    this.segments.push(toSegment(e, e.endPtsMs ?? e.peak.ptsMs));
  }

  /** Closed segments plus the open ones, cut at their track's last frame. */
  private allSegments(): UncertainSegment[] {
    const open = [...this.openSegments.values()].map((e) => toSegment(e, this.tracks.get(e.trackId)?.lastPtsMs ?? e.peak.ptsMs));
    return [...this.segments, ...open];
  }

  /**
   * Adds a frame; returns it with each face's track verdict so far (`FaceResult.verdict`) when
   * the builder has a policy, and the frame as given otherwise. The returned frame is the one kept.
   */
  add(input: FrameResult): FrameResult {
    this.accumulate(input);
    const policy = this.policy;
    const r = policy && input.faces.length ? { ...input, faces: input.faces.map((f) => this.withVerdict(f, policy)) } : input;
    if (this.keepFrames) this.frames.push(r);
    return r;
  }

  /** A track's verdict over its face-frames so far; null for a track never seen. */
  trackVerdict(trackId: number, policy: VerdictPolicy): VerdictResult | null {
    const t = this.tracks.get(trackId);
    return t ? fusedVerdict(this.detectorNames, this.detectorNames.map((n) => this.trackScore(t, n)), policy) : null;
  }

  private withVerdict(f: FaceResult, policy: VerdictPolicy): FaceResult {
    const v = this.trackVerdict(f.trackId, policy);
    return v ? { ...f, verdict: { verdict: v.verdict, why: v.why, pFake: v.pFake } } : f;
  }

  private accumulate(r: FrameResult): void {
    this.frameCount++;
    this.lastPtsMs = Math.max(this.lastPtsMs, r.ptsMs);
    if (r.faces.length > 0) this.framesWithFaces++;
    this.maxFaces = Math.max(this.maxFaces, r.faces.length);
    this.segment.addFrame(r);
    this.frameAlerts = this.alerts ? this.alerts.push(r) : [];
    for (const e of this.frameAlerts) this.onAlert(e);
    for (const f of r.faces) {
      let t = this.tracks.get(f.trackId);
      if (!t) {
        t = { trackId: f.trackId, firstSeq: r.seq, lastSeq: r.seq, firstPtsMs: r.ptsMs, lastPtsMs: r.ptsMs, frames: 0, detectedFrames: 0, pools: new Map() };
        this.tracks.set(f.trackId, t);
      }
      t.lastSeq = r.seq;
      t.lastPtsMs = r.ptsMs;
      t.frames++;
      if (f.source === 'detected') t.detectedFrames++;
      for (const [name, out] of Object.entries(f.detectors)) this.addOutput(t, name, out);
    }
  }

  private addOutput(t: TrackAcc, name: string, out: DetectorOutput): void {
    const reasons = this.reasons.get(name);
    if (!reasons || out.state === 'skipped') return;
    if (out.state === 'ok' && out.uncertainty) {
      let pool = t.pools.get(name);
      if (!pool) t.pools.set(name, (pool = new StatsPool()));
      pool.add(out.uncertainty);
    } else {
      // Counted without numbers in brackets ("window filling (40 %)" → "window filling").
      const reason = (out.reason ?? 'unspecified').replace(/\s*\([^)]*\d[^)]*\)/g, '');
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  }

  private trackSummary(t: TrackAcc, policy: VerdictPolicy, words: (r: VerdictResult) => PlainVerdict): TrackSummary {
    // A track that was added has a verdict, and a fused one always says how far the detectors disagree.
    const verdict = this.trackVerdict(t.trackId, policy) as TrackSummary['verdict'];
    return {
      trackId: t.trackId,
      firstSeq: t.firstSeq,
      lastSeq: t.lastSeq,
      firstPtsMs: t.firstPtsMs,
      lastPtsMs: t.lastPtsMs,
      frames: t.frames,
      detectedFrames: t.detectedFrames,
      detectors: Object.fromEntries(this.detectorNames.map((n) => [n, this.trackScore(t, n)])),
      verdict,
      plain: words(verdict),
    };
  }

  private trackScore(t: TrackAcc, name: string): VideoScore {
    const pool = t.pools.get(name);
    return pool ? poolScore(pool) : { pFake: null, uncertainty: null, evidenceFrames: 0 };
  }

  /**
   * The clip's verdict over everything added so far: the most fake face decides (`clipVerdict`),
   * then alert coverage may make it uncertain (`reconcileWithAlerts`).
   */
  verdict(policy: VerdictPolicy): VerdictResult & { readonly trackId: number | null; readonly coverage: number } {
    const names = this.detectorNames;
    const tracks = [...this.tracks.values()].map((t) => ({ trackId: t.trackId, scores: names.map((n) => this.trackScore(t, n)) }));
    const durations = new Map([...this.tracks.values()].map((t) => [t.trackId, t.lastPtsMs - t.firstPtsMs]));
    const coverage = alertCoverage(this.allSegments(), durations);
    return { ...decideClip(names, names.map((n) => this.segment.score(n)), tracks, coverage, policy), coverage };
  }

  build(
    meta: Omit<Report, 'schemaVersion' | 'summary' | 'detectors' | 'tracks' | 'frames'>,
    policy: VerdictPolicy & { readonly source?: string },
  ): Report {
    const detectors: Record<string, DetectorSummary> = {};
    for (const [name, all] of this.reasons) {
      const reasons = [...all.entries()].sort((x, y) => y[1] - x[1]).slice(0, 5);
      const counts = this.segment.counts(name);
      detectors[name] = {
        ...this.segment.score(name),
        applicable: !this.notApplicable.has(name),
        okFrames: counts.ok,
        insufficientFrames: counts.insufficient,
        insufficientReasons: Object.fromEntries(reasons),
      };
    }
    const v = this.verdict(policy);
    const features = this.segment.features();
    const still = meta.input.media.still === true;
    const words = (r: VerdictResult) => plainVerdict({ ...r, decisionThreshold: policy.decisionThreshold, still });
    const tracks: TrackSummary[] = [...this.tracks.values()].map((t) => this.trackSummary(t, policy, words));
    return {
      schemaVersion: REPORT_SCHEMA_VERSION,
      ...meta,
      summary: {
        verdict: v.verdict,
        why: v.why,
        reason: v.reason,
        plain: words(v),
        pFake: v.pFake,
        uncertainty: v.uncertainty,
        evidenceFrames: v.evidenceFrames,
        disagreement: v.disagreement ?? null,
        trackId: v.trackId,
        uncertainSegments: this.allSegments(),
        uncertainCoverage: v.coverage,
        policy,
        attribution: this.attribution && v.pFake !== null ? estimateSource(this.attribution, features) : null,
        features,
        durationMs: meta.input.media.durationMs ?? this.lastPtsMs,
        frames: this.frameCount,
        framesWithFaces: this.framesWithFaces,
        tracks: this.tracks.size,
        maxFacesPerFrame: this.maxFaces,
      },
      detectors,
      tracks,
      frames: this.frames,
    };
  }
}

function toSegment(e: SpikeAlertEvent, endMs: number): UncertainSegment {
  return { trackId: e.trackId, startMs: e.startPtsMs, endMs: Math.max(endMs, e.startPtsMs), peakEpistemic: e.peak.epistemic, detectors: e.detectors };
}
