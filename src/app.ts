import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Observable } from 'rxjs';
import { finalize, map, share, tap } from 'rxjs';
import type { Config } from './config/schema.js';
import type { Detector, FaceDetector } from './detectors/contract.js';
import { createFaceDetector } from './detectors/face/face-detector.js';
import { loadFaceDetectorManifest } from './detectors/face/manifest.js';
import type { OnnxSessionFactory } from './detectors/onnx/session.js';
import { createOnnxSessionFactory } from './detectors/onnx/session.js';
import type { DetectorRegistry } from './detectors/registry.js';
import { createDetectors, detectorNames } from './detectors/registry.js';
import { FakescopeError } from './errors.js';
import type { InputGuard, VideoSource } from './ingest/index.js';
import { openSource } from './ingest/index.js';
import { classifyInput, displayInput, isHlsPlaylist } from './ingest/input-policy.js';
import type { ReconnectPolicy, SourceGap } from './ingest/reconnect.js';
import { withReconnect } from './ingest/reconnect.js';
import type { SpikeAlertEvent } from './pipeline/alerts/types.js';
import type { AnalyzedFrame } from './pipeline/analyze.js';
import { analyzeSource } from './pipeline/analyze.js';
import { DetectorStage, appliesToStills } from './pipeline/detector-stage.js';
import { FaceStage } from './pipeline/face-stage.js';
import type { PolicyInfo } from './pipeline/calibration-files.js';
import { loadAttribution, loadPolicy } from './pipeline/calibration-files.js';
import type { Report } from './pipeline/report-schema.js';
import { ReportBuilder } from './pipeline/report.js';
import { VERSION } from './version.js';

/**
 * Root of the installed package (holds `models/`): the nearest folder above this module with
 * fakescope's package.json — `dist/src/` when compiled, `src/` under the test runner.
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'fakescope') return dir;
    } catch {
      // no package.json here
    }
    if (dirname(dir) === dir) return join(start, '..', '..');
  }
}

export interface AnalysisOptions {
  /** Only these detectors (by name); default: every configured detector. */
  readonly detectors?: readonly string[];
  /** Keep per-frame results in the report (default true). */
  readonly keepFrames?: boolean;
  readonly streamId?: string;
  /** Narrower ingest rules for untrusted input (the server's uploads, webcam, URLs). */
  readonly guard?: InputGuard;
  /** Decode as a live source (latest-wins) whatever the input's kind suggests. */
  readonly live?: boolean;
  /** Reconnect a live source that drops (src/ingest/reconnect.ts); gaps go to `onGap` and the report. */
  readonly reconnect?: ReconnectPolicy;
  readonly onGap?: (gap: SourceGap) => void;
}

/**
 * An analysed frame as it leaves the report builder: with its faces' track verdicts, and the
 * epistemic-spike alert events that frame opened, updated or closed (the builder's own alerts,
 * the ones its report's uncertain segments are made of: there is one alert tracker per analysis).
 */
export interface ReportedFrame extends AnalyzedFrame {
  readonly alerts: readonly SpikeAlertEvent[];
}

/** One analysis of one input: a hot stream of frame results and the final report. */
export interface Analysis {
  readonly source: VideoSource;
  readonly detectorNames: readonly string[];
  /**
   * Frame results, shared by all subscribers; the first subscription starts decoding, and when the
   * last one unsubscribes the analysis stops (ffmpeg killed, detectors disposed). Completes at the
   * end of the input.
   */
  readonly results: Observable<ReportedFrame>;
  /** Resolves with the report once `results` completes; rejects with its error or when stopped early. */
  readonly report: Promise<Report>;
  /** Verdict over the frames analysed so far (for live display). */
  readonly builder: ReportBuilder;
  /** The report over the frames analysed so far (`analysis.complete` says whether that is all). */
  snapshot(): Report;
  /** The verdict policy in force, with where its thresholds came from. */
  readonly policy: PolicyInfo;
}

/** The app's ONNX Runtime sessions and face detector, for tools that run models outside an analysis. */
export interface AppRuntime {
  readonly sessions: OnnxSessionFactory;
  readonly faceDetector: FaceDetector;
}

export interface App {
  readonly config: Config;
  start(): Promise<void>;
  analyze(input: string, options?: AnalysisOptions): Promise<Analysis>;
  /** The session factory and face detector every analysis uses (started if need be; `stop` frees them). */
  runtime(): Promise<AppRuntime>;
  stop(): Promise<void>;
}

/**
 * The composition root: builds everything from a validated config, in order — ONNX Runtime
 * sessions, the face detector (warmed up in `start`), then per analysis the source, the detectors
 * (warmed up before the first frame), the stages and the report.
 */
export function buildApp(config: Config, registry: DetectorRegistry): App {
  let sessions: OnnxSessionFactory | null = null;
  let faceDetector: FaceDetector | null = null;
  let cropDetector: FaceDetector | null = null;
  const live = new Set<Detector[]>();
  const configuredNames = detectorNames(registry, config.detectors);
  // Read once, up front: a missing or malformed calibration file is a configuration error.
  const attribution = loadAttribution(config, PACKAGE_ROOT);
  const defaultPolicy = loadPolicy(config, PACKAGE_ROOT, configuredNames);

  const start = async (): Promise<void> => {
    if (faceDetector) return;
    const { batchWaitMs, maxBatch, ...runtime } = config.runtime;
    sessions = createOnnxSessionFactory({ ...runtime, batch: { maxBatch, maxWaitMs: batchWaitMs } });
    faceDetector = await createFaceDetector(loadFaceDetectorManifest(config.faces.model), sessions);
    await faceDetector.warmup();
    if (config.faces.trackModel !== null && config.faces.fullFrameEvery > 1) {
      cropDetector = await createFaceDetector(loadFaceDetectorManifest(config.faces.trackModel), sessions);
      await cropDetector.warmup();
    }
  };

  const analyze = async (input: string, options: AnalysisOptions = {}): Promise<Analysis> => {
    await start();
    const entries = selectDetectors(config, registry, options.detectors);
    const opened = await openSource(input, {
      streamId: options.streamId ?? 'main',
      analysisWidth: config.analysis.width,
      ...(config.analysis.fps !== null ? { fps: config.analysis.fps } : {}),
      ...(options.guard ? { guard: options.guard } : {}),
      ...(options.live !== undefined ? { live: options.live } : {}),
    });
    const gaps: NonNullable<Report['analysis']['gaps']>[number][] = [];
    const source =
      options.reconnect && opened.live
        ? withReconnect(opened, {
            ...options.reconnect,
            cleanEndIsFinal: isHlsPlaylist(classifyInput(input)),
            display: options.guard?.display ?? displayInput(input),
            onGap: (g) => {
              if (g.phase === 'start') gaps.push({ startPtsMs: g.startPtsMs, endPtsMs: null, reason: g.reason, attempts: 0 });
              else gaps[gaps.length - 1] = { startPtsMs: g.startPtsMs, endPtsMs: g.endPtsMs, reason: g.reason, attempts: g.attempts };
              options.onGap?.(g);
            },
          })
        : opened;
    const detectors = await createDetectors(registry, entries, {
      sessions: sessions as OnnxSessionFactory,
      seed: config.seed,
      modelsDir: join(PACKAGE_ROOT, 'models'),
    });
    live.add(detectors);
    const crop = cropDetector ? { detector: cropDetector, factor: config.faces.trackCrop } : null;
    const faceStage = new FaceStage(faceDetector as FaceDetector, { ...config.faces, tracker: config.faces.tracker }, crop);
    const still = source.info.still;
    const detectorStage = new DetectorStage(detectors, config.faces.minFaceSize, { still });
    const names = detectors.map((d) => d.name);
    const policy = options.detectors ? loadPolicy(config, PACKAGE_ROOT, names) : defaultPolicy;
    const notApplicable = new Set(still ? detectors.filter((d) => !appliesToStills(d.family)).map((d) => d.name) : []);
    const builder = new ReportBuilder(names, options.keepFrames ?? true, attribution, policy, notApplicable, config.server.alerts);
    const startedAt = new Date();
    const t0 = performance.now();
    let resolveReport: (r: Report) => void = () => undefined;
    let rejectReport: (e: unknown) => void = () => undefined;
    const report = new Promise<Report>((res, rej) => {
      resolveReport = res;
      rejectReport = rej;
    });
    report.catch(() => undefined); // the caller may only watch `results`
    const dispose = async () => {
      live.delete(detectors);
      await Promise.allSettled(detectors.map((d) => d.dispose()));
    };

    let finished = false;
    const snapshot = (): Report => {
      const wallMs = performance.now() - t0;
      const stats = source.stats();
      return builder.build(
        {
          tool: { name: 'fakescope', version: VERSION },
          input: { source: input, media: source.info },
          analysis: {
            width: source.width,
            height: source.height,
            fps: config.analysis.fps,
            faceDetector: (faceDetector as FaceDetector).name,
            detectors: detectors.map((d) => d.name),
            startedAt: startedAt.toISOString(),
            finishedAt: new Date().toISOString(),
            wallMs,
            framesPerSecond: stats.emitted / Math.max(wallMs / 1000, 1e-9),
            droppedFrames: stats.dropped,
            detectorErrors: detectorStage.errorCount,
            complete: finished,
            ...(gaps.length > 0 ? { gaps: [...gaps] } : {}),
          },
        },
        policy,
      );
    };
    const results = analyzeSource(source, faceStage, detectorStage).pipe(
      // Every consumer (overlays, NDJSON, the feed) sees the frame with its faces' track verdicts.
      map((r): ReportedFrame => {
        const result = builder.add(r.result);
        return { ...r, result, alerts: builder.lastAlerts };
      }),
      tap({
        error: (e) => {
          finished = true;
          rejectReport(e);
        },
        complete: () => {
          finished = true;
          resolveReport(snapshot());
        },
      }),
      finalize(() => {
        if (!finished) rejectReport(new FakescopeError('E_STOPPED', 'analysis stopped before the end of the input'));
        void dispose();
      }),
      share(),
    );
    return { source, detectorNames: names, results, report, builder, snapshot, policy };
  };

  const runtime = async (): Promise<AppRuntime> => {
    await start();
    return { sessions: sessions as OnnxSessionFactory, faceDetector: faceDetector as FaceDetector };
  };

  const stop = async (): Promise<void> => {
    await Promise.allSettled([...live].flatMap((ds) => ds.map((d) => d.dispose())));
    live.clear();
    await faceDetector?.dispose();
    await cropDetector?.dispose();
    await sessions?.releaseAll();
    faceDetector = null;
    cropDetector = null;
    sessions = null;
  };

  return { config, start, analyze, runtime, stop };
}

function selectDetectors(config: Config, registry: DetectorRegistry, names: readonly string[] | undefined) {
  if (!names) return config.detectors;
  const resolved = detectorNames(registry, config.detectors);
  const byName = new Map(config.detectors.map((d, i) => [resolved[i] as string, d]));
  return names.map((n) => {
    const entry = byName.get(n);
    if (!entry) {
      const known = [...byName.keys()].join(', ') || 'none configured';
      throw new FakescopeError('E_USAGE', `unknown detector "${n}" (available: ${known})`);
    }
    return entry;
  });
}
