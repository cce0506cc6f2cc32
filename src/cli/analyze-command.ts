import type { Subscription } from 'rxjs';
import { buildApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { builtinRegistry } from '../detectors/builtin.js';
import { FakescopeError, describeError, isFakescopeError } from '../errors.js';
import type { Report } from '../pipeline/report-schema.js';
import { effectiveWeights } from '../pipeline/verdict.js';
import { ThumbnailKeeper } from '../report/thumbnail-keeper.js';
import type { AnalyzeArgs } from './args.js';
import { painter, wantsColour } from './colour.js';
import { writeHtmlReport } from './html-output.js';
import { jsonSummary } from './json-summary.js';
import { NdjsonWriter, writeJsonAtomic } from './output.js';
import { OverlayWriter } from './overlays.js';
import { Progress } from './progress.js';
import { formatSummary } from './summary.js';

/**
 * `fakescope analyze <file|url>`: config file + flags → app → one analysis; writes the report,
 * NDJSON lines, overlays and the printable report as asked, prints the summary. Ctrl-C keeps what
 * was analysed (exit 130).
 */
export async function analyze(args: AnalyzeArgs): Promise<number> {
  // The line is up before the slow part (models, ffprobe), so a terminal never sits silent.
  const progress = new Progress(process.stderr, 'analysing');
  if (!args.quiet) progress.status('fakescope: loading models…');
  const config = loadConfig({ file: args.config, flags: { analysis: { fps: args.fps, width: args.width } } });
  const app = buildApp(config, builtinRegistry());
  let ndjson: NdjsonWriter | null = null;
  let subscription: Subscription | null = null;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    subscription?.unsubscribe();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const analysis = await app.analyze(args.input, {
      keepFrames: args.frames,
      ...(args.detectors ? { detectors: args.detectors } : {}),
    });
    const { info } = analysis.source;
    const fps = config.analysis.fps ?? info.fps;
    const total = info.durationMs && fps ? Math.max(1, Math.round((info.durationMs / 1000) * fps)) : info.frameCount;
    progress.begin(analysis.source.live ? null : total);
    if (args.ndjson) ndjson = new NdjsonWriter(args.ndjson);
    const overlays = args.overlays ? new OverlayWriter(args.overlays, args.overlayEvery) : null;
    const thumbnails = args.html ? new ThumbnailKeeper(effectiveWeights(analysis.policy.weights, analysis.detectorNames)) : null;
    subscription = analysis.results.subscribe({
      next: ({ frame, result }) => {
        ndjson?.write(result);
        overlays?.add(frame, result);
        thumbnails?.add(frame, result);
        if (!args.quiet) progress.tick(`faces ${result.faces.length}`);
      },
      error: () => undefined, // surfaces through analysis.report
    });
    let report: Report;
    try {
      report = await analysis.report;
    } catch (e) {
      if (!(interrupted || isStopped(e))) {
        // Keep what was analysed before the failure (e.g. a file truncated mid-stream).
        const partial = analysis.snapshot();
        if (args.out && partial.summary.frames > 0) {
          writeJsonAtomic(args.out, partial);
          throw new FakescopeError(
            isFakescopeError(e) ? e.code : 'E_INPUT_CORRUPT',
            `${describeError(e)} (partial report of ${partial.summary.frames} frames in ${args.out})`,
          );
        }
        throw e;
      }
      report = analysis.snapshot();
    } finally {
      progress.end();
      await overlays?.flush();
    }
    if (args.out) writeJsonAtomic(args.out, report);
    if (args.html && thumbnails) await writeHtmlReport(args.html, report, thumbnails);
    if (args.json) process.stdout.write(`${JSON.stringify(jsonSummary(report, args.out ?? null))}\n`);
    else if (!args.quiet) process.stdout.write(`${formatSummary(report, painter(wantsColour(process.stdout.isTTY, process.env)))}\n`);
    if (interrupted) {
      process.stderr.write(`fakescope: interrupted after ${report.summary.frames} frames${args.out ? `; partial report in ${args.out}` : ''}\n`);
      return 130;
    }
    return 0;
  } finally {
    progress.end();
    ndjson?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await app.stop();
  }
}

function isStopped(e: unknown): boolean {
  return isFakescopeError(e) && e.code === 'E_STOPPED';
}
