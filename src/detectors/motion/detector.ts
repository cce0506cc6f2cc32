import type { Attribution, Detector, DetectorContext, DetectorInput, DetectorOutput } from '../contract.js';
import type { MotionConfig } from './config.js';
import { manifestPath } from '../biological/classifier-model.js';
import { type TrackState, fillingReason, insufficientOutput, scoreDue } from '../biological/tracks.js';
import { WindowedDetector } from '../biological/windowed-detector.js';
import type { MotionAnalysis } from './analysis.js';
import { type MotionRequest, scoreMotionWindows } from './classifier.js';
import { type MotionModel, loadMotionModel } from './model.js';
import { type MotionContext, createMotionContext } from './options.js';
import { MotionSampler } from './sampler.js';
import { MotionWindow, type MotionWindowResult } from './window.js';

interface MotionTrack extends TrackState {
  readonly sampler: MotionSampler;
  readonly window: MotionWindow;
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Per-frame numbers of a window, null when not measured. */
export function motionMeasurements(r: MotionWindowResult): Record<string, number | null> {
  const a = r.analysis;
  return {
    windowFill: round4(r.fill),
    motionLowPx: a?.lowRmsPx === null || a?.lowRmsPx === undefined ? null : round4(a.lowRmsPx),
    motionActionPx: a?.actionRmsPx === null || a?.actionRmsPx === undefined ? null : round4(a.actionRmsPx),
    frozenFraction: a ? round4(a.frozenFraction) : null,
    still: a ? (a.issues.includes('still') || a.issues.includes('frozen') ? 1 : 0) : null,
  };
}

/** Why a window gives no answer, in a few words; null when it can be scored. */
export function motionInsufficientReason(r: MotionWindowResult): string | null {
  if (r.state === 'filling' || !r.analysis) return fillingReason(r.fill, r.lastReset);
  const a: MotionAnalysis = r.analysis;
  if (a.issues.includes('frozen')) return 'frozen frames (no motion to measure)';
  if (a.issues.includes('still')) return 'face too still to measure motion';
  if (a.issues.includes('gap')) return 'gap in the face track';
  return a.map && a.features ? null : 'window not analysable';
}

/**
 * The motion detector: per face track, the phase of quadrature filters on the aligned face crop
 * and the landmark trajectories every frame → a sliding window (MotionWindow) analysed every
 * `hopSec` → the motion classifier with Monte Carlo noise, which also gives a generator
 * distribution. Every frame reports the result of the track's latest window.
 */
export class MotionDetector extends WindowedDetector<MotionTrack> implements Detector {
  private readonly ctx: MotionContext;

  constructor(
    name: string,
    private readonly model: MotionModel,
    private readonly config: MotionConfig,
    seed: number,
  ) {
    super(name, seed, 'motion');
    this.ctx = createMotionContext({ hopSec: config.hopSec });
  }

  protected newTrack(): MotionTrack {
    return {
      sampler: new MotionSampler(this.ctx),
      window: new MotionWindow(this.ctx),
      analysed: 0,
      latest: insufficientOutput(fillingReason(0, null)),
    };
  }

  async warmup(): Promise<void> {
    const input = { map: new Float32Array(this.model.mapRows * this.model.mapCols), features: new Float32Array(this.model.featureCount) };
    await scoreMotionWindows(this.model, [{ input, seed: 0 }], this.config.samples);
  }

  async infer(input: DetectorInput): Promise<ReadonlyMap<number, DetectorOutput>> {
    const due: { state: MotionTrack; result: MotionWindowResult; request: MotionRequest }[] = [];
    for (const face of input.faces) {
      const state = this.tracks.of(face.trackId);
      const r = state.window.push(input.frame.ptsMs, state.sampler.sample(input.frame, face));
      if (!r) continue;
      const why = motionInsufficientReason(r);
      if (why !== null || !r.analysis?.map || !r.analysis.features) {
        state.latest = insufficientOutput(why ?? 'window not analysable', motionMeasurements(r));
        continue;
      }
      const seed = this.nextWindowSeed(face.trackId, state);
      due.push({ state, result: r, request: { input: { map: r.analysis.map, features: r.analysis.features }, seed } });
    }
    await scoreDue(due, (requests) => scoreMotionWindows(this.model, requests, this.config.samples), (d, s) => ({
      state: 'ok',
      pFake: s.stats.mean,
      uncertainty: s.stats,
      measurements: motionMeasurements(d.result),
      ...(s.generator && this.model.classes ? { attribution: attributionOf(this.model.classes, s.generator) } : {}),
    }));
    return this.tracks.latest(input.faces);
  }
}

function attributionOf(classes: readonly string[], g: { mean: readonly number[]; entropy: number; epistemic: number }): Attribution {
  const top = g.mean.indexOf(Math.max(...g.mean));
  return { classes, probabilities: g.mean.map(round4), top: classes[top] as string, entropy: g.entropy, epistemic: g.epistemic };
}

export async function createMotionDetector(config: MotionConfig, ctx: DetectorContext): Promise<MotionDetector> {
  const model = await loadMotionModel(manifestPath(config.model, ctx.modelsDir), ctx.sessions);
  return new MotionDetector(config.name ?? 'motion', model, config, ctx.seed);
}
