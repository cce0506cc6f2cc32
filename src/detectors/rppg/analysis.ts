import type { QualityIssue, WindowFeatures } from './features.js';
import { REGION_NAMES, type RegionName } from './layout.js';
import type { AnalysisContext } from './options.js';
import { type CellSpectra, buildPpgMap } from './ppg-map.js';
import type { RegionSample } from './regions.js';
import { meanPairwiseCorrelation, peakAgreement } from './signal/coherence.js';
import type { FftPlan } from './signal/fft.js';
import { PULSE_METHODS, type PulseMethod, type RgbTrace, extractPulse } from './signal/pulse.js';
import { countMissing, gridEndingAt, resampleUniform, type UniformGrid } from './signal/resample.js';
import { bandPeak, bandProfile, powerSpectrum, snrDb } from './signal/spectrum.js';
import { std } from '../../core/stats.js';

/** One frame's sample of one face, at its presentation time in seconds. */
export interface TimedSample {
  readonly tSec: number;
  readonly sample: RegionSample;
}

/** What one window analysis yields; the window class adds its reset bookkeeping. */
export type WindowAnalysis = Omit<WindowFeatures, 'resets' | 'lastReset'>;

interface Estimate {
  readonly hrHz: number;
  readonly snrDb: number;
  readonly atEdge: boolean;
}

const nullIfNaN = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Interpolates interior NaN runs linearly and holds the end values over leading / trailing ones.
 * Returns null when more than `maxMissing` samples are NaN (the trace is then not trusted).
 */
export function fillMissing(x: Float64Array, maxMissing: number): Float64Array | null {
  const missing = countMissing(x);
  if (missing === 0) return x;
  if (missing > maxMissing || missing === x.length) return null;
  let prev = -1;
  for (let i = 0; i <= x.length; i++) {
    if (i < x.length && Number.isNaN(x[i] as number)) continue;
    // Fill (prev, i): both ends valid → line; one end missing → hold the other.
    for (let k = prev + 1; k < i; k++) {
      if (prev < 0) x[k] = x[i] as number;
      else if (i === x.length) x[k] = x[prev] as number;
      else x[k] = (x[prev] as number) + (((x[i] as number) - (x[prev] as number)) * (k - prev)) / (i - prev);
    }
    prev = i;
  }
  return x;
}

/**
 * Pulse signals are relative colour changes. 8-bit quantisation alone, averaged over a whole face,
 * leaves ~1e-5; below 1e-8 a signal is a constant plus interpolation round-off.
 */
const MIN_PULSE_STD = 1e-8;

function estimate(pulse: Float64Array, ctx: AnalysisContext, plan: FftPlan): Estimate | null {
  const o = ctx.options;
  if (!(std(pulse) >= MIN_PULSE_STD)) return null;
  const spectrum = powerSpectrum(pulse, o.fs, plan);
  const peak = bandPeak(spectrum, o.lowHz, o.highHz);
  if (!peak) return null;
  return { hrHz: peak.freqHz, snrDb: snrDb(spectrum, peak.freqHz, o.lowHz, o.highHz, ctx.snrHalfWidthHz), atEdge: peak.atEdge };
}

const toPulseEstimate = (e: Estimate | null) => ({ hrBpm: e ? e.hrHz * 60 : null, snrDb: e ? nullIfNaN(e.snrDb) : null });

/**
 * The samples' interleaved RGB values transposed to one time series per (slot, channel), so each
 * trace is a contiguous subarray: column(slot, c) = values of channel c of slot over the samples.
 */
function transpose(samples: readonly TimedSample[], pick: (s: RegionSample) => Float32Array): (slot: number, c: number) => Float64Array {
  const m = samples.length;
  const width = pick((samples[0] as TimedSample).sample).length;
  const columns = new Float64Array(width * m);
  for (let j = 0; j < m; j++) {
    const values = pick((samples[j] as TimedSample).sample);
    for (let k = 0; k < width; k++) columns[k * m + j] = values[k] as number;
  }
  return (slot, c) => columns.subarray((slot * 3 + c) * m, (slot * 3 + c + 1) * m);
}

/** Resampled, gap-filled RGB trace of one slot, or null when too much of it is missing. */
function trace(
  t: Float64Array,
  column: (slot: number, c: number) => Float64Array,
  slot: number,
  grid: UniformGrid,
  ctx: AnalysisContext,
): { rgb: RgbTrace | null; fill: number } {
  const maxMissing = Math.floor((1 - ctx.options.minFill) * grid.n);
  const channels: Float64Array[] = [];
  let fill = 1;
  for (let c = 0; c < 3; c++) {
    const resampled = resampleUniform(t, column(slot, c), grid, ctx.options.maxGapSec);
    fill = Math.min(fill, 1 - countMissing(resampled) / grid.n);
    const filled = fillMissing(resampled, maxMissing);
    if (!filled) return { rgb: null, fill };
    channels.push(filled);
  }
  return { rgb: { r: channels[0] as Float64Array, g: channels[1] as Float64Array, b: channels[2] as Float64Array }, fill };
}

/**
 * Analyses the window ending at the newest sample: resample to `fs`, extract the pulse of the
 * pooled face with every method and of each region and cell with the primary method, then
 * spectra, SNR, coherence, the PPG map and the quality gates. Samples must be in time order.
 */
export function analyzeWindow(samples: readonly TimedSample[], ctx: AnalysisContext): WindowAnalysis {
  const o = ctx.options;
  const last = samples[samples.length - 1];
  if (!last) return emptyAnalysis(NaN, 0, ['face-missing']);
  const grid = gridEndingAt(last.tSec, o.fs, ctx.n);
  const t = Float64Array.from(samples, (s) => s.tSec);
  const tEndMs = last.tSec * 1000;
  const regionColumn = transpose(samples, (s) => s.regionRgb);
  const cellColumn = transpose(samples, (s) => s.cellRgb);

  const face = trace(t, regionColumn, 0, grid, ctx);
  if (!face.rgb) return emptyAnalysis(tEndMs, face.fill, ['face-missing']);

  const methodEstimates = {} as Record<PulseMethod, Estimate | null>;
  let primaryPulse: Float64Array | null = null;
  for (const method of PULSE_METHODS) {
    const pulse = extractPulse(method, face.rgb, ctx.filter);
    if (method === o.primaryMethod) primaryPulse = pulse;
    methodEstimates[method] = estimate(pulse, ctx, ctx.plan);
  }
  const primary = methodEstimates[o.primaryMethod];
  const rates = PULSE_METHODS.map((m) => methodEstimates[m]?.hrHz ?? NaN);
  const spreadBpm = rates.every(Number.isFinite) ? (Math.max(...rates) - Math.min(...rates)) * 60 : NaN;

  const regions = {} as Record<RegionName, { hrBpm: number | null; snrDb: number | null }>;
  regions.face = toPulseEstimate(primary);
  for (let k = 1; k < REGION_NAMES.length; k++) {
    const region = trace(t, regionColumn, k, grid, ctx);
    const e = region.rgb ? estimate(extractPulse(o.primaryMethod, region.rgb, ctx.filter), ctx, ctx.plan) : null;
    regions[REGION_NAMES[k] as RegionName] = toPulseEstimate(e);
  }

  const cellCount = last.sample.cellSkin.length;
  const cellPulses: (Float64Array | null)[] = [];
  const cellRows: (CellSpectra | null)[] = [];
  const cellPeaks: number[] = [];
  for (let c = 0; c < cellCount; c++) {
    const cell = trace(t, cellColumn, c, grid, ctx);
    const pulse = cell.rgb ? extractPulse(o.primaryMethod, cell.rgb, ctx.filter) : null;
    if (!pulse || !(std(pulse) >= MIN_PULSE_STD)) {
      cellPulses.push(null);
      cellRows.push(null);
      continue;
    }
    const spectrum = powerSpectrum(pulse, o.fs, ctx.cellPlan);
    cellPulses.push(pulse);
    cellRows.push({ signal: pulse, psd: bandProfile(spectrum, o.lowHz, o.highHz, o.psdBins) });
    cellPeaks.push(bandPeak(spectrum, o.lowHz, o.highHz)?.freqHz ?? NaN);
  }
  const ppgMap = buildPpgMap(cellRows, ctx.n, o.psdBins);
  const validCells = ppgMap.cellValid.reduce((a, b) => a + b, 0);
  const coherence = meanPairwiseCorrelation(cellPulses).value;
  const cellAgreement = peakAgreement(cellPeaks, primary?.hrHz ?? NaN, o.cellAgreementHz);

  const reasons: QualityIssue[] = [];
  if (face.fill < o.minFill) reasons.push('face-missing');
  if (!primary) reasons.push('no-band-power');
  else {
    if (primary.atEdge) reasons.push('peak-at-band-edge');
    if (!(primary.snrDb >= o.minSnrDb)) reasons.push('low-snr');
  }
  if (!(spreadBpm <= o.maxMethodSpreadBpm)) reasons.push('methods-disagree');
  if (!(coherence >= o.minCoherence)) reasons.push('incoherent');
  if (validCells < o.minValidCells) reasons.push('few-cells');

  return {
    state: reasons.length === 0 ? 'ok' : 'low-quality',
    reasons,
    tEndMs,
    fill: face.fill,
    hrBpm: primary ? primary.hrHz * 60 : null,
    snrDb: primary ? nullIfNaN(primary.snrDb) : null,
    methods: {
      green: toPulseEstimate(methodEstimates.green),
      chrom: toPulseEstimate(methodEstimates.chrom),
      pos: toPulseEstimate(methodEstimates.pos),
    },
    methodSpreadBpm: nullIfNaN(spreadBpm),
    regions,
    coherence: nullIfNaN(coherence),
    cellAgreement: nullIfNaN(cellAgreement),
    validCells,
    ppgMap,
    pulse: primaryPulse ? Float32Array.from(primaryPulse) : null,
  };
}

/** A low-quality result without estimates, for windows whose face trace could not be used. */
export function emptyAnalysis(tEndMs: number, fill: number, reasons: QualityIssue[]): WindowAnalysis {
  return {
    state: 'low-quality',
    reasons,
    tEndMs,
    fill,
    hrBpm: null,
    snrDb: null,
    methods: null,
    methodSpreadBpm: null,
    regions: null,
    coherence: null,
    cellAgreement: null,
    validCells: 0,
    ppgMap: null,
    pulse: null,
  };
}
