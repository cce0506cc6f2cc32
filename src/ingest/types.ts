import type { Observable } from 'rxjs';
import type { Frame } from '../core/frame.js';

/**
 * What ffprobe says about an input, reduced to what the analyzer needs to size, pace and label
 * the stream. Sizes follow the picture as a viewer sees it: `displayWidth`/`displayHeight` apply
 * the rotation (and a non-square sample aspect ratio, so anamorphic video is not squeezed).
 */
export interface MediaInfo {
  /** Null for live or unknown-length inputs. */
  durationMs: number | null;
  /** Average frame rate; null when ffprobe does not know it. */
  fps: number | null;
  /** Coded size of the chosen video stream. */
  width: number;
  height: number;
  /** Size after rotation and sample aspect ratio: a portrait phone video is 1080x1920. */
  displayWidth: number;
  displayHeight: number;
  /** Clockwise degrees a player turns the picture (0, 90, 180, 270). */
  rotation: number;
  codec: string;
  pixelFormat: string | null;
  profile: string | null;
  hasAudio: boolean;
  frameCount: number | null;
  /** r_frame_rate and avg_frame_rate disagree: frame spacing is not constant. */
  variableFrameRate: boolean;
  formatName: string;
  /**
   * A still image (JPEG, PNG, WebP, … read by an image demuxer): decoded as `stillPresentations`
   * copies of the one picture, see `SourceOptions`.
   */
  still: boolean;
}

/**
 * What a caller that does not trust the input narrows ffmpeg to (the server: uploads, the webcam
 * relay, stream URLs). Every field narrows; none widens what `input-policy.ts` allows.
 */
export interface InputGuard {
  /** `-protocol_whitelist` instead of the scheme's own (e.g. `file` only for an upload). */
  readonly protocols?: string;
  /** `-f`: this demuxer, no content sniffing (the webcam relay's Matroska). */
  readonly format?: string;
  /**
   * Demuxers allowed (`-format_whitelist`, checked by ffmpeg before the demuxer opens anything,
   * and again on the probe's answer): an upload's text playlist is refused before HLS reads a file.
   */
  readonly formats?: readonly string[];
  /** Extra environment for ffprobe/ffmpeg (`http_proxy` of the server's policy proxy). */
  readonly env?: Readonly<Record<string, string>>;
  /** What messages call the input instead of its path or URL (upload name, "webcam"). */
  readonly display?: string;
}

/** How a source decodes: to what size, at what rate, and how it copes with a slow consumer. */
export interface SourceOptions {
  /** Copied into every Frame so results from several streams can be told apart. */
  streamId: string;
  /** Frames are scaled to this width (aspect kept, even height); narrower video keeps its width. */
  analysisWidth: number;
  /** Analysis rate (ffmpeg `fps` filter); undefined = every frame at its native timing. */
  fps?: number;
  /** Default: true for rtmp(s)/rtsp(s)/udp/srt and .m3u8 inputs, false for files and http(s) files. */
  live?: boolean;
  /** Latest-wins slots of a live source (default 2). */
  liveSlots?: number;
  /** Frames a file source decodes ahead of demand before it stops reading ffmpeg (default 4). */
  readAhead?: number;
  ffmpegPath?: string;
  ffprobePath?: string;
  /** Default 15000. */
  probeTimeoutMs?: number;
  /**
   * A still image is handed to the pipeline this many times (frames 0…n−1, 40 ms apart): each
   * copy gets fresh Monte Carlo noise (detectors seed it by frame seq), so a photo gets as many
   * samples as a video window. Default 16.
   */
  stillPresentations?: number;
  /** No frame from ffmpeg for this long while we want one -> E_INPUT_UNREACHABLE (default 20000). */
  stallTimeoutMs?: number;
  /** Narrower rules for untrusted input (see InputGuard). */
  guard?: InputGuard;
}

/** Counters over all subscriptions of a source, to expose fps and drops per stage. */
export interface SourceStats {
  /** Frames read from ffmpeg. */
  decoded: number;
  /** Frames handed to subscribers. */
  emitted: number;
  /** Frames a live source discarded because the consumer was slower (latest wins). */
  dropped: number;
}

/** An opened, probed and validated input; `frames()` decodes it, as often as it is subscribed. */
export interface VideoSource {
  readonly input: string;
  readonly info: MediaInfo;
  /** Size of every emitted Frame. */
  readonly width: number;
  readonly height: number;
  readonly live: boolean;
  /**
   * Cold: each subscription spawns its own ffmpeg; unsubscribing kills it. `demand` grants
   * frames (each value adds that many); without it every frame is emitted as soon as it is
   * decoded. See `frame-stream.ts` for the backpressure policy and `pullFrames` for the usual use.
   */
  frames(demand?: Observable<number>): Observable<Frame>;
  stats(): SourceStats;
}
