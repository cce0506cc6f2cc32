import type { Observable, Subscription } from 'rxjs';
import type { Analysis, ReportedFrame } from '../app.js';
import type { Config } from '../config/schema.js';
import { FakescopeError, describeError, isFakescopeError } from '../errors.js';
import type { SpikeAlertEvent } from '../pipeline/alerts/types.js';
import type { FrameResult } from '../pipeline/frame-result-schema.js';
import type { SourceGap } from '../ingest/reconnect.js';
import type { Report } from '../pipeline/report-schema.js';
import { effectiveWeights } from '../pipeline/verdict.js';
import { boxesObserved, renderOverlay } from '../render/overlay.js';
import { ThumbnailKeeper } from '../report/thumbnail-keeper.js';
import { renderThumbnails } from '../report/thumbnails.js';
import type { FeedClient } from './feed-client.js';
import type { Metrics } from './metrics.js';
import { ReplayBuffer } from './replay-buffer.js';
import { pumpReplay } from './replay-pump.js';
import type { AnalysisStore } from './store.js';
import { alertToWire, frameToWire, verdictToWire } from './to-wire.js';
import type { WebhookDispatcher } from './webhooks.js';
import type { AlertWire, AnalysisInfo, OverlayMsg, ReplayableMsg, ServerMsg, VerdictWire } from './wire.js';
import { CLOSE, WIRE_VERSION } from './wire.js';

/** What a running analysis writes: the embedded AnalysisStore, or a cluster worker's sink. */
export type AnalysisSink = Pick<AnalysisStore, 'saveInfo' | 'trySave' | 'appendAlert' | 'appendFrame' | 'closeFrames' | 'saveReport' | 'saveThumbnails' | 'removeUpload'>;

export interface LiveDeps {
  readonly config: Config;
  readonly store: AnalysisSink;
  readonly metrics: Metrics;
  readonly webhooks: WebhookDispatcher;
  readonly now?: () => number;
  /** Every replayable message as it is published, serialised (a cluster worker's Redis feed). */
  readonly onPublish?: (msg: ReplayableMsg, payload: string) => void;
  /** Every overlay as it is rendered, serialised (a cluster worker relays it to the API nodes). */
  readonly onOverlay?: (payload: string) => void;
}

/**
 * How much of an input one analysis may consume, counted while it runs (a raw `.h264` or piped
 * Matroska upload has no duration to check up front). Either bound ends it with E_TOO_LONG.
 */
export interface MediaLimit {
  /** Media time from the first frame, ms. */
  readonly maxMediaMs: number;
  /** Analysed frames (timestamps can lie; a count cannot). */
  readonly maxFrames: number;
}

/** The limit for an upload of at most `maxDurationS` seconds at `fps` (frames: 2× headroom, ≥ 30 fps). */
export function uploadLimit(maxDurationS: number, fps: number | null): MediaLimit {
  return { maxMediaMs: maxDurationS * 1000, maxFrames: Math.ceil(maxDurationS * Math.max(fps ?? 30, 30) * 2) };
}

/**
 * One running analysis on the server: subscribes to the pipeline's results and turns them into
 * the feed (frame, overlay, alert, status messages), the replay buffer, the stored frames, alerts
 * and checkpoints.
 *
 * Backpressure: the pipeline is never slowed by clients. Frame messages go to every client's
 * socket (see FeedClient for the per-client policy) and into the bounded replay buffer; each
 * message is serialised once, whatever the number of clients. Overlays are rendered only while a
 * client wants one (its `?overlayEveryMs=`), off the analysis path, at most one at a time and at
 * most one per the shortest interval asked; a frame that comes while one renders gets no overlay
 * (counted as an overlay drop). Verdicts "so far" are recomputed at most every 250 ms.
 */
export class LiveAnalysis {
  readonly clients = new Set<FeedClient>();
  readonly replay: ReplayBuffer<ReplayableMsg>;
  private subscription: Subscription | null = null;
  private lastOverlayPts: number | null = null;
  private rendering = false;
  private latestOverlay: OverlayMsg | null = null;
  private verdict: VerdictWire = { verdict: 'uncertain', reason: 'no frames yet', pFake: null, epistemic: null, evidenceFrames: 0 };
  private verdictAt = -Infinity;
  private checkpointAt: number;
  private fpsWindow: number[] = [];
  private stopRequested = false;
  private failure: FakescopeError | null = null;
  private firstPts: number | null = null;
  private readonly done: Promise<void>;
  private resolveDone: () => void = () => undefined;
  private readonly now: () => number;
  /** Frames for the printable report's thumbnails (bounded: a few frames). */
  private readonly thumbnails: ThumbnailKeeper;

  constructor(
    public info: AnalysisInfo,
    private readonly analysis: Analysis,
    private readonly deps: LiveDeps,
    private readonly limit: MediaLimit | null = null,
    private readonly gaps: Observable<SourceGap> | null = null,
  ) {
    this.replay = new ReplayBuffer(deps.config.server.feed.replayMessages);
    this.now = deps.now ?? (() => performance.now());
    this.thumbnails = new ThumbnailKeeper(effectiveWeights(analysis.policy.weights, analysis.detectorNames));
    this.checkpointAt = this.now();
    this.done = new Promise((r) => {
      this.resolveDone = r;
    });
  }

  get detectorNames(): readonly string[] {
    return this.analysis.detectorNames;
  }

  /** The report over the frames analysed so far. */
  snapshot(): Report {
    return this.present(this.analysis.snapshot());
  }

  /** Reports name the input as the API shows it (upload name, masked URL), not a server path. */
  private present(report: Report): Report {
    return { ...report, input: { ...report.input, source: this.info.input } };
  }

  /** Resolves once the analysis has ended and its report is stored. */
  finished(): Promise<void> {
    return this.done;
  }

  start(): void {
    const { metrics } = this.deps;
    metrics.activeAnalyses.inc({}, 1);
    this.setStatus('running');
    this.gaps?.subscribe((gap) => this.guard(() => this.publish({ v: WIRE_VERSION, type: 'sourceGap', seq: this.replay.nextSeq(), gap: { ...gap } })));
    this.subscription = this.analysis.results.subscribe({
      next: (f) => this.guard(() => this.onFrame(f)),
      error: () => undefined, // reported through analysis.report
    });
    this.analysis.report.then(
      async (report) => {
        await this.saveThumbnails();
        this.finish('done', report, null);
      },
      (e: unknown) => {
        if (this.failure) {
          this.finish('failed', this.analysis.snapshot(), { code: this.failure.code, message: this.failure.message });
          return;
        }
        const stopped = this.stopRequested || (isFakescopeError(e) && e.code === 'E_STOPPED');
        // A live source that dropped and did not come back did not fail: it was cut off.
        const lost = isFakescopeError(e) && e.code === 'E_SOURCE_LOST';
        this.finish(stopped ? 'stopped' : lost ? 'interrupted' : 'failed', this.analysis.snapshot(), stopped ? null : { code: isFakescopeError(e) ? e.code : 'E_INTERNAL', message: describeError(e) });
      },
    );
  }

  /** Errors in the feed's own work (a full disk, a bad overlay) are counted; the analysis goes on. */
  listenerErrors = 0;

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      // A full disk ends the analysis (nothing analysed after it could be stored); what was
      // written stays. Other errors in the feed's own work are counted and the analysis goes on.
      if (isFakescopeError(e) && e.code === 'E_DISK_FULL') {
        this.fail(e);
        return;
      }
      this.listenerErrors++;
      this.deps.metrics.drops.inc({ stage: 'feed-error' });
    }
  }

  /** Stops decoding; the report so far is stored and the status becomes `failed` with `error`. */
  fail(error: FakescopeError): void {
    this.failure ??= error;
    this.stop();
  }

  /** Stops decoding; the report so far is stored and the status becomes `stopped`. */
  stop(): void {
    this.stopRequested = true;
    this.subscription?.unsubscribe();
    this.subscription = null;
  }

  /** Sends the hello, then every message after `since`, then the latest overlay. */
  attach(client: FeedClient, since: number): void {
    this.clients.add(client);
    this.deps.metrics.clients.set({}, this.countClients());
    client.send({ v: WIRE_VERSION, type: 'hello', analysis: this.info, lastSeq: this.replay.last, detectors: [...this.detectorNames] });
    this.resume(client, since);
  }

  /**
   * Replays every message after `since` (bounded work per event-loop turn, see replay-pump.ts),
   * then the latest overlay; a client of a finished analysis is closed once it has caught up. A
   * `since` after the newest message gets an immediate `error` (E_RESUME_AHEAD) and resumes from
   * the newest, instead of silence until the sequence number is reached.
   */
  resume(client: FeedClient, since: number): void {
    let from = since;
    if (from > this.replay.last) {
      client.send({ v: WIRE_VERSION, type: 'error', code: 'E_RESUME_AHEAD', message: `resume from ${since}: the newest message is ${this.replay.last}; resuming from there` });
      from = this.replay.last;
    }
    pumpReplay(client, this.replay, from, {
      batch: 64,
      maxAheadBytes: this.deps.config.server.feed.lagBytes,
      waitMs: 20,
      onCaughtUp: () => {
        if (this.latestOverlay && client.overlayEveryMs > 0) client.send(this.latestOverlay, true);
        if (this.isFinal()) client.close(CLOSE.finished, `analysis ${this.info.status}`);
      },
    });
  }

  detach(client: FeedClient): void {
    this.clients.delete(client);
    this.deps.metrics.clients.set({}, this.countClients());
  }

  isFinal(): boolean {
    return !['starting', 'running'].includes(this.info.status);
  }

  private countClients(): number {
    return this.clients.size;
  }

  private onFrame({ frame, result, alerts }: ReportedFrame): void {
    const { metrics, store, config } = this.deps;
    const t = this.now();
    const id = this.info.id;
    this.countIngest();
    metrics.frames.inc({ stage: 'pipeline' });
    metrics.stageSeconds.observe({ stage: 'faces' }, result.timing.facesMs / 1000);
    metrics.stageSeconds.observe({ stage: 'detectors' }, result.timing.detectorsMs / 1000);
    if (t - this.verdictAt >= 250) {
      this.verdict = verdictToWire(this.analysis.builder.verdict(this.analysis.policy), this.analysis.policy.decisionThreshold, this.analysis.source.info.still);
      this.verdictAt = t;
    }
    const msg = frameToWire(this.replay.nextSeq(), result, this.verdict);
    this.publish(msg);
    metrics.frames.inc({ stage: 'feed' });
    metrics.feedLatency.observe({}, (this.now() - t + result.timing.facesMs + result.timing.detectorsMs) / 1000);
    store.appendFrame(id, result);
    for (const e of alerts) this.guard(() => this.onAlert(e));
    this.info = { ...this.info, frames: this.info.frames + 1 };
    this.trackFps(t);
    this.maybeOverlay(frame, result);
    this.thumbnails.add(frame, result);
    if (t - this.checkpointAt >= config.server.checkpointMs) {
      this.checkpointAt = t;
      this.checkpoint();
    }
    this.checkLimit(result.ptsMs);
  }

  private checkLimit(ptsMs: number): void {
    if (!this.limit || this.failure) return;
    this.firstPts ??= ptsMs;
    const mediaMs = ptsMs - this.firstPts;
    if (mediaMs > this.limit.maxMediaMs || this.info.frames >= this.limit.maxFrames) {
      const s = (this.limit.maxMediaMs / 1000).toFixed(1);
      this.fail(new FakescopeError('E_TOO_LONG', `${this.info.input}: longer than the ${s} s allowed (stopped after ${this.info.frames} frames, ${(mediaMs / 1000).toFixed(1)} s of video)`));
    }
  }

  private ingestSeen = { decoded: 0, dropped: 0 };

  private countIngest(): void {
    const stats = this.analysis.source.stats?.();
    if (!stats) return;
    this.deps.metrics.frames.inc({ stage: 'ingest' }, stats.decoded - this.ingestSeen.decoded);
    this.deps.metrics.drops.inc({ stage: 'ingest' }, stats.dropped - this.ingestSeen.dropped);
    this.ingestSeen = { decoded: stats.decoded, dropped: stats.dropped };
  }

  private trackFps(t: number): void {
    this.fpsWindow.push(t);
    while ((this.fpsWindow[0] as number) < t - 5000) this.fpsWindow.shift();
    const span = Math.max(1000, t - (this.fpsWindow[0] as number));
    this.deps.metrics.fps.set({ analysis: this.info.id }, (this.fpsWindow.length * 1000) / span);
  }

  /** The shortest overlay interval any attached client asked for; null when none wants overlays. */
  private overlayInterval(): number | null {
    let every: number | null = null;
    for (const c of this.clients) if (c.overlayEveryMs > 0 && (every === null || c.overlayEveryMs < every)) every = c.overlayEveryMs;
    return every;
  }

  private maybeOverlay(frame: ReportedFrame['frame'], result: FrameResult): void {
    const feed = this.deps.config.server.feed;
    // Encoded only for a client that asked, at the fastest rate asked: no client, no JPEG. A cluster
    // worker (`onOverlay`) has its clients on the API nodes: it renders at the server's rate.
    const every = feed.overlayEveryMs === 0 ? null : this.deps.onOverlay ? feed.overlayEveryMs : this.overlayInterval();
    if (every === null) return;
    if (this.lastOverlayPts !== null && result.ptsMs - this.lastOverlayPts < every) return;
    // Boxes from the frame they belong to: wait (up to one more interval) for a detection pass.
    const waited = this.lastOverlayPts === null ? 0 : result.ptsMs - this.lastOverlayPts - every;
    if (!boxesObserved(result.faces) && waited < every) return;
    if (this.rendering) {
      this.deps.metrics.drops.inc({ stage: 'overlay' });
      return;
    }
    this.lastOverlayPts = result.ptsMs;
    this.rendering = true;
    // Heat maps: the detectors' own epistemic maps over each face (renderOverlay's default).
    renderOverlay(frame, result.faces, { format: feed.overlayFormat, quality: feed.overlayQuality })
      .then((buf) => {
        const msg: OverlayMsg = { v: WIRE_VERSION, type: 'overlay', frameSeq: result.seq, ptsMs: result.ptsMs, format: feed.overlayFormat, data: buf.toString('base64') };
        this.latestOverlay = msg;
        const payload = JSON.stringify(msg);
        this.deps.onOverlay?.(payload);
        for (const c of this.clients) {
          if (!c.wantsOverlay(result.ptsMs)) continue;
          if (c.send(msg, true, payload)) c.lastOverlayPts = result.ptsMs;
          else this.deps.metrics.drops.inc({ stage: 'overlay' });
        }
      })
      .catch(() => this.deps.metrics.drops.inc({ stage: 'overlay' }))
      .finally(() => {
        this.rendering = false;
      });
  }

  private async saveThumbnails(): Promise<void> {
    try {
      this.deps.store.saveThumbnails(this.info.id, await renderThumbnails(this.thumbnails));
    } catch {
      this.listenerErrors++; // the report stays downloadable without pictures
    }
  }

  private onAlert(e: SpikeAlertEvent): void {
    const alert: AlertWire = alertToWire(this.info.id, e);
    this.deps.metrics.alerts.inc({ phase: e.phase });
    this.deps.store.appendAlert(this.info.id, alert);
    if (e.phase === 'start') this.info = { ...this.info, alerts: this.info.alerts + 1 };
    this.publish({ v: WIRE_VERSION, type: 'alert', seq: this.replay.nextSeq(), alert });
    this.deps.webhooks.send({ v: WIRE_VERSION, type: 'alert', sentAt: new Date().toISOString(), alert });
  }

  private publish(msg: ReplayableMsg): void {
    const payload = JSON.stringify(msg);
    this.replay.push(msg, payload);
    this.deps.onPublish?.(msg, payload);
    this.broadcast(msg, payload);
  }

  private broadcast(msg: ServerMsg, payload: string): void {
    for (const c of this.clients) c.send(msg, false, payload);
  }

  private checkpoint(): void {
    const snap = this.snapshot();
    this.deps.store.saveReport(this.info.id, { ...snap, frames: [] }, true);
    this.info = { ...this.info, updatedAt: new Date().toISOString(), verdict: this.verdict };
    this.deps.store.saveInfo(this.info);
  }

  private setStatus(status: AnalysisInfo['status'], error: AnalysisInfo['error'] = null): void {
    this.info = { ...this.info, status, error, updatedAt: new Date().toISOString() };
    // On a full disk the state still changes in memory (the API serves it); the stored record
    // keeps its last state and is marked interrupted on the next start.
    this.deps.store.trySave(this.info);
    this.publish({ v: WIRE_VERSION, type: 'status', seq: this.replay.nextSeq(), analysis: this.info });
  }

  private finish(status: AnalysisInfo['status'], report: Report, error: AnalysisInfo['error']): void {
    const { store, metrics } = this.deps;
    // Closes open alerts before the final status (the report builder's alerts: the ones in the report).
    for (const e of this.analysis.builder.closeAlerts()) this.guard(() => this.onAlert(e));
    store.closeFrames(this.info.id);
    try {
      store.saveReport(this.info.id, this.present(report), false);
    } catch (e) {
      // The last checkpoint (report.partial.json) and the frames written so far stay served.
      status = 'failed';
      error = { code: isFakescopeError(e) ? e.code : 'E_INTERNAL', message: describeError(e) };
    }
    if (this.failure && status !== 'failed') {
      status = 'failed';
      error = { code: this.failure.code, message: this.failure.message };
    }
    if (status === 'failed' && this.info.kind === 'upload') store.removeUpload(this.info.id);
    this.verdict = verdictToWire(this.analysis.builder.verdict(this.analysis.policy), this.analysis.policy.decisionThreshold, this.analysis.source.info.still);
    this.info = { ...this.info, verdict: this.verdict };
    this.setStatus(status, error);
    metrics.activeAnalyses.inc({}, -1);
    metrics.forgetAnalysis(this.info.id);
    // A client still catching up is closed by its replay once it has everything.
    for (const c of this.clients) if (!c.replaying) c.close(CLOSE.finished, `analysis ${status}`);
    this.clients.clear();
    this.resolveDone();
  }
}
