import type { Detector, DetectorContext, DetectorInput, DetectorOutput } from '../contract.js';
import type { RppgConfig } from './config.js';
import { manifestPath } from '../biological/classifier-model.js';
import { type TrackState, fillingReason, insufficientOutput, scoreDue } from '../biological/tracks.js';
import { WindowedDetector } from '../biological/windowed-detector.js';
import { type ScoreRequest, scoreWindows } from './classifier.js';
import { type ClassifierInput, classifierInput, isScoreable } from './classifier-input.js';
import { FaceSampler } from './face-sampler.js';
import type { WindowFeatures } from './features.js';
import { compileRegionLayout } from './layout.js';
import { type RppgModel, loadRppgModel } from './model.js';
import { createAnalysisContext } from './options.js';
import { PulseWindow } from './window.js';

interface RppgTrack extends TrackState {
  readonly sampler: FaceSampler;
  readonly window: PulseWindow;
}

/** Per-frame numbers of a window: heart rate, SNR, coherence and the rest, null when not measured. */
export function windowMeasurements(f: WindowFeatures): Record<string, number | null> {
  const r = f.regions;
  return {
    hrBpm: f.hrBpm,
    snrDb: f.snrDb,
    coherence: f.coherence,
    cellAgreement: f.cellAgreement,
    methodSpreadBpm: f.methodSpreadBpm,
    validCells: f.state === 'filling' ? null : f.validCells,
    windowFill: f.fill,
    clearPulse: f.state === 'filling' ? null : f.state === 'ok' ? 1 : 0,
    foreheadHrBpm: r?.forehead.hrBpm ?? null,
    foreheadSnrDb: r?.forehead.snrDb ?? null,
    leftCheekHrBpm: r?.leftCheek.hrBpm ?? null,
    leftCheekSnrDb: r?.leftCheek.snrDb ?? null,
    rightCheekHrBpm: r?.rightCheek.hrBpm ?? null,
    rightCheekSnrDb: r?.rightCheek.snrDb ?? null,
  };
}

/**
 * Why a window gives no answer, in a few words. The classifier is not asked when the pulse could
 * not be measured (window filling, face missing, too few skin cells, no signal in the band), nor,
 * with `scoreUnclearPulse` off, when it was measured and no clear pulse was found.
 */
export function insufficientReason(f: WindowFeatures): string {
  if (f.state === 'filling') return fillingReason(f.fill, f.lastReset);
  if (f.reasons.includes('face-missing')) return 'face missing';
  if (f.reasons.includes('few-cells')) return `too few skin cells (${f.validCells})`;
  if (f.reasons.includes('no-band-power')) return 'no signal in the heart-rate band';
  return `no clear pulse (${f.reasons.join(', ')})`;
}

/**
 * The biological detector: per face track, region colours every frame → a sliding pulse window
 * (PulseWindow) analysed every `hopSec` → the PPG-map classifier with MC dropout. Every frame
 * reports the result of the track's latest window, which ends on that frame or at most `hopSec`
 * earlier, so it contains the frame.
 */
export class RppgDetector extends WindowedDetector<RppgTrack> implements Detector {
  private readonly layout = compileRegionLayout();
  private readonly analysis: ReturnType<typeof createAnalysisContext>;

  constructor(
    name: string,
    private readonly model: RppgModel,
    private readonly config: RppgConfig,
    seed: number,
  ) {
    super(name, seed, 'rppg');
    this.analysis = createAnalysisContext({ hopSec: config.hopSec });
  }

  protected newTrack(): RppgTrack {
    return {
      sampler: new FaceSampler(this.layout),
      window: new PulseWindow(this.analysis),
      analysed: 0,
      latest: insufficientOutput(fillingReason(0, null)),
    };
  }

  async warmup(): Promise<void> {
    const input: ClassifierInput = {
      map: new Float32Array(this.model.mapRows * this.model.mapCols),
      rows: this.model.mapRows,
      cols: this.model.mapCols,
      features: new Float32Array(this.model.featureCount),
    };
    await scoreWindows(this.model, [{ input, seed: 0 }], this.config.samples);
  }

  async infer(input: DetectorInput): Promise<ReadonlyMap<number, DetectorOutput>> {
    const due: { state: RppgTrack; features: WindowFeatures; request: ScoreRequest }[] = [];
    for (const face of input.faces) {
      const state = this.tracks.of(face.trackId);
      const sample = state.sampler.sample(input.frame, face);
      const f = state.window.push(input.frame.ptsMs, sample);
      if (!f) {
        // No skin on this frame: a scored window still stands (short gaps are bridged inside the
        // window), anything else says why there is no answer now.
        if (!Number.isFinite(sample.regionRgb[0] as number) && state.latest.state !== 'ok') state.latest = insufficientOutput('face missing (no skin found)');
        continue;
      }
      const measurements = windowMeasurements(f);
      const scoreable = isScoreable(f) && (f.state === 'ok' || this.config.scoreUnclearPulse);
      const classifier = scoreable ? classifierInput(f) : null;
      if (!classifier) {
        state.latest = insufficientOutput(insufficientReason(f), measurements);
        continue;
      }
      const seed = this.nextWindowSeed(face.trackId, state);
      due.push({ state, features: f, request: { input: classifier, seed } });
    }
    await scoreDue(due, (requests) => scoreWindows(this.model, requests, this.config.samples), (d, s) => ({
      state: 'ok',
      pFake: s.stats.mean,
      uncertainty: s.stats,
      measurements: windowMeasurements(d.features),
    }));
    return this.tracks.latest(input.faces);
  }
}

/** Resolves the model path against the models folder and loads the detector. */
export async function createRppgDetector(config: RppgConfig, ctx: DetectorContext): Promise<RppgDetector> {
  const model = await loadRppgModel(manifestPath(config.model, ctx.modelsDir), ctx.sessions);
  return new RppgDetector(config.name ?? 'rppg', model, config, ctx.seed);
}
