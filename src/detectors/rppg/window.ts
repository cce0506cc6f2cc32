import { SampleWindow } from '../biological/sample-window.js';
import { analyzeWindow, emptyAnalysis } from './analysis.js';
import type { WindowFeatures } from './features.js';
import { type AnalysisContext, type WindowOptions, createAnalysisContext } from './options.js';
import type { RegionSample } from './regions.js';

/**
 * The sliding rPPG window of one face track. Feed it every frame's region sample with the frame's
 * presentation time; it keeps the last `windowSec` of usable samples and analyses them every
 * `hopSec`. A pulse cannot be carried across a gap (the phase is lost and interpolation would
 * invent a waveform), so a stretch longer than `maxGapSec` without a usable face starts the window
 * over, and the next features say so (`lastReset`, `resets`, state `filling`).
 *
 * A sample is usable when its pooled face region is present (enough skin). Short runs of
 * unusable samples are bridged by interpolation inside the analysis.
 */
export class PulseWindow {
  private readonly ctx: AnalysisContext;
  private readonly window: SampleWindow<RegionSample>;
  private latestFeatures: WindowFeatures | null = null;

  constructor(options: Partial<WindowOptions> | AnalysisContext = {}) {
    this.ctx = isContext(options) ? options : createAnalysisContext(options);
    this.window = new SampleWindow({ n: this.ctx.n, fs: this.ctx.options.fs, hopSec: this.ctx.options.hopSec, maxGapSec: this.ctx.options.maxGapSec });
  }

  get options(): WindowOptions {
    return this.ctx.options;
  }

  /** Samples held (bounded by one window's worth of frames plus one). */
  get size(): number {
    return this.window.samples.length;
  }

  /** The most recently emitted features, or null before the first. */
  get latest(): WindowFeatures | null {
    return this.latestFeatures;
  }

  /**
   * Adds one frame (`sample` null: no usable face on this frame). Returns new features when an
   * analysis was due (every hopSec of presentation time) or the window was just reset, else null.
   */
  push(ptsMs: number, sample: RegionSample | null): WindowFeatures | null {
    const t = SampleWindow.seconds(ptsMs);
    const usable = sample !== null && Number.isFinite(sample.regionRgb[0] as number);
    const restarted = this.window.add(t, usable ? sample : null);
    if (!this.window.emits(t, usable, restarted)) return null;
    this.latestFeatures = this.features(t);
    return this.latestFeatures;
  }

  /** Starts over (e.g. the track was re-identified); the next features report reason 'manual'. */
  reset(): void {
    this.window.restart('manual');
  }

  private features(t: number): WindowFeatures {
    const bookkeeping = { resets: this.window.resets, lastReset: this.window.lastReset };
    if (!this.window.spansWindow(t)) {
      return { ...analysisPlaceholder(t * 1000, this.window.coverage(t)), reasons: ['filling'], ...bookkeeping };
    }
    return { ...analyzeWindow(this.window.samples, this.ctx), ...bookkeeping };
  }
}

function isContext(x: Partial<WindowOptions> | AnalysisContext): x is AnalysisContext {
  return 'filter' in x && 'plan' in x;
}

function analysisPlaceholder(tEndMs: number, fill: number): Omit<WindowFeatures, 'resets' | 'lastReset' | 'reasons'> {
  const { reasons: _reasons, ...empty } = emptyAnalysis(tEndMs, fill, []);
  return { ...empty, state: 'filling' };
}
