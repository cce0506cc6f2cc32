import { performance } from 'node:perf_hooks';
import { analysisSize } from './analysis-size.js';
import { decodeArgs } from './decode-args.js';
import { runFfmpeg } from './ffmpeg-run.js';
import { protocolWhitelist } from './input-policy.js';
import { probeInput } from './probe.js';
import type { SourceOptions } from './types.js';

/** The SourceOptions that affect decoding cost; flow control does not apply to a count. */
export type DecodeOnlyOptions = Pick<SourceOptions, 'analysisWidth' | 'fps' | 'ffmpegPath' | 'ffprobePath' | 'probeTimeoutMs'>;

/**
 * The ceiling for ingest in benchmarks: ffmpeg decodes, rate-selects and scales to analysis RGB
 * as fast as it can while we only count bytes (no timestamps, no framing, no copies). Comparing it
 * with a full `frames()` run shows what the Node side costs. `ms` excludes probing.
 */
export async function decodeOnly(input: string, opts: DecodeOnlyOptions): Promise<{ frames: number; ms: number }> {
  const probed = await probeInput(input, {
    ...(opts.ffprobePath !== undefined ? { ffprobePath: opts.ffprobePath } : {}),
    ...(opts.probeTimeoutMs !== undefined ? { timeoutMs: opts.probeTimeoutMs } : {}),
  });
  const { width, height } = analysisSize(probed.info.displayWidth, probed.info.displayHeight, opts.analysisWidth);
  const args = decodeArgs({
    ffmpegInput: probed.ffmpegInput,
    protocolWhitelist: protocolWhitelist(probed.kind),
    streamIndex: probed.streamIndex,
    width,
    height,
    ...(opts.fps !== undefined ? { fps: opts.fps } : {}),
    timestamps: false,
  });
  const started = performance.now();
  let bytes = 0;
  const end = await runFfmpeg(opts.ffmpegPath ?? 'ffmpeg', args, probed, {
    onStdout: (chunk) => {
      bytes += chunk.length;
    },
  });
  const ms = performance.now() - started;
  if (end.kind === 'failed') throw end.error;
  return { frames: Math.floor(bytes / (width * height * 3)), ms };
}
