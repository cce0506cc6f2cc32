import { analysisSize } from './analysis-size.js';
import { decodeArgs } from './decode-args.js';
import { frameStream } from './frame-stream.js';
import { isHlsPlaylist, isLiveByDefault, protocolWhitelist } from './input-policy.js';
import { trustedDurationMs } from './media-checks.js';
import { probeInput } from './probe.js';
import { resolveSourceOptions } from './source-options.js';
import type { SourceOptions, SourceStats, VideoSource } from './types.js';

/**
 * Opens an input for analysis: validates the options, probes and refuses bad input (all before
 * any decoding), fixes the analysis frame size, and returns a source whose `frames()` starts a
 * fresh ffmpeg per subscription. A local file forced `live` is read at its native rate (`-re`) so
 * it behaves like a camera.
 */
export async function openSource(input: string, opts: SourceOptions): Promise<VideoSource> {
  const o = resolveSourceOptions(opts);
  const guard = o.guard ?? {};
  const probed = await probeInput(input, { ffprobePath: o.ffprobePath, timeoutMs: o.probeTimeoutMs, ...(o.guard ? { guard: o.guard } : {}) });
  const { info, kind } = probed;
  const live = o.live ?? isLiveByDefault(kind);
  const { width, height } = analysisSize(info.displayWidth, info.displayHeight, o.analysisWidth);
  const args = decodeArgs({
    ffmpegInput: probed.ffmpegInput,
    protocolWhitelist: guard.protocols ?? protocolWhitelist(kind),
    ...(guard.format !== undefined ? { inputFormat: guard.format } : {}),
    ...(guard.formats ? { formatWhitelist: guard.formats } : {}),
    streamIndex: live ? null : probed.streamIndex,
    width,
    height,
    // A still has no frame rate to resample: it is repeated instead (see `stillPresentations`).
    ...(info.still ? { repeat: o.stillPresentations } : o.fps !== undefined ? { fps: o.fps } : {}),
    realtime: live && kind.kind === 'file' && !isHlsPlaylist(kind),
    lowLatency: live && kind.kind !== 'file' && !isHlsPlaylist(kind),
  });
  const stats: SourceStats = { decoded: 0, emitted: 0, dropped: 0 };
  const config = {
    streamId: o.streamId,
    ffmpegPath: o.ffmpegPath,
    args,
    width,
    height,
    policy: live ? { kind: 'live' as const, slots: o.liveSlots } : { kind: 'file' as const, readAhead: o.readAhead },
    stallTimeoutMs: o.stallTimeoutMs,
    frameIntervalMs: info.still ? 40 : 1000 / (o.fps ?? info.fps ?? 25),
    expectedDurationMs: live ? null : trustedDurationMs(info.formatName, probed.streamDurationMs),
    input: probed.display,
    ffmpegInput: probed.ffmpegInput,
    stats,
    ...(guard.env ? { env: guard.env } : {}),
  };
  return {
    input,
    info,
    width,
    height,
    live,
    frames: (demand) => frameStream(config, demand),
    stats: () => ({ ...stats }),
  };
}
