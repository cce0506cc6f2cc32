import { Observable } from 'rxjs';
import { FakescopeError } from '../errors.js';
import { FfmpegProcess } from './ffmpeg-process.js';
import type { ProcessExit } from './ffmpeg-process.js';
import type { Frame } from '../core/frame.js';
import type { FrameQueue } from './frame-queue.js';
import { latestWinsQueue, readAheadQueue } from './frame-queue.js';
import type { StampedFrame } from './frame-stamper.js';
import { FrameStamper } from './frame-stamper.js';
import { RawFrameSplitter } from './raw-frames.js';
import { ShowinfoClock, isShowinfoLine } from './showinfo.js';
import { streamOutcome } from './stream-end.js';
import type { SourceStats } from './types.js';

/**
 * One ffmpeg decode as an Observable of Frames, with the backpressure policy of the source.
 *
 * Demand. RxJS pushes, and operators such as concatMap buffer without limit, so the source cannot
 * see how far behind the consumer is. Consumption is therefore signalled explicitly: `demand`
 * emits credits (each value n allows n more frames) and a frame is emitted only against credit.
 * `pullFrames()` wires this for the usual case (one credit back per finished analysis). Without
 * `demand` the credit is unlimited: every frame is emitted as soon as it is decoded, which is only
 * safe for a consumer that finishes its work inside `next`.
 *
 * Files: pull at the speed of analysis. Frames wait in a read-ahead queue; once `readAhead` frames
 * are decoded but not emitted, stdout is paused, the pipe fills and ffmpeg blocks in write() - it
 * stops decoding. So decoded - emitted <= readAhead, and memory is readAhead frames plus one pipe
 * chunk whatever the file length. Nothing is ever dropped.
 *
 * Live: stdout is always drained at full speed (a stalled pipe would make the camera/server side
 * buffer or disconnect, and frames would get old). Decoded frames go to `slots` latest-wins
 * slots; when the consumer is slower the oldest unconsumed frame is dropped and counted in
 * `stats.dropped`. `seq` numbers emitted frames, so drops show as gaps in `ptsMs`, not in `seq`.
 *
 * End. The stream completes or errors only after every frame ffmpeg wrote has been emitted, so an
 * error (truncated file, dropped connection, stall) never loses frames decoded before it. A stall
 * timer runs whenever we are reading and waiting: no stdout bytes for `stallTimeoutMs` kills
 * ffmpeg and ends with E_INPUT_UNREACHABLE. Unsubscribing kills ffmpeg (SIGTERM, then SIGKILL).
 */

/** Which queue sits between ffmpeg and the subscriber: read-ahead (files) or latest-wins (live). */
export type FlowPolicy = { readonly kind: 'file'; readonly readAhead: number } | { readonly kind: 'live'; readonly slots: number };

/** Everything fixed when a source is opened; each subscription runs one decode with it. */
export interface FrameStreamConfig {
  readonly streamId: string;
  readonly ffmpegPath: string;
  readonly args: readonly string[];
  readonly width: number;
  readonly height: number;
  readonly policy: FlowPolicy;
  readonly stallTimeoutMs: number;
  /** Used only to estimate a timestamp ffmpeg did not report. */
  readonly frameIntervalMs: number;
  /** For truncation checks; null for live inputs. */
  readonly expectedDurationMs: number | null;
  readonly input: string;
  readonly ffmpegInput: string;
  /** Counters shared by all subscriptions of one source; updated in place. */
  readonly stats: SourceStats;
  /** Extra environment for ffmpeg (the server's policy proxy). */
  readonly env?: Readonly<Record<string, string>>;
}

/** One decode per subscription, emitting against `demand` credit (unlimited without it). */
export function frameStream(cfg: FrameStreamConfig, demand?: Observable<number>): Observable<Frame> {
  return new Observable<Frame>((subscriber) => {
    const splitter = new RawFrameSplitter(cfg.width * cfg.height * 3);
    const stamper = new FrameStamper(cfg.frameIntervalMs);
    const clock = new ShowinfoClock();
    const pauses = cfg.policy.kind === 'file';
    const queue: FrameQueue<StampedFrame> =
      cfg.policy.kind === 'file' ? readAheadQueue(cfg.policy.readAhead) : latestWinsQueue(cfg.policy.slots);
    const limit = cfg.policy.kind === 'file' ? cfg.policy.readAhead : Infinity;
    let credit = demand ? 0 : Infinity;
    let seq = 0;
    let decoded = 0;
    let lastPtsMs: number | null = null;
    let paused = false;
    let busy = false;
    let exit: ProcessExit | undefined;
    let ownError: FakescopeError | undefined;
    let stallTimer: NodeJS.Timeout | undefined;

    const offer = (frames: readonly StampedFrame[]): void => {
      for (const f of frames) {
        cfg.stats.dropped += queue.offer(f);
        lastPtsMs = f.ptsMs;
      }
    };
    const roomToCut = (): boolean => queue.size + stamper.waiting < limit;

    // ffmpeg's stdout is read in place into the frame being filled (ffmpeg-process.ts); each read
    // may complete a frame, so it moves frames along like a chunk did.
    const proc = FfmpegProcess.start(cfg.ffmpegPath, cfg.args, {
      ...(cfg.env ? { env: cfg.env } : {}),
      stdoutSink: {
        target: () => splitter.target(),
        wrote: (n) => {
          splitter.wrote(n);
          armStall();
          step();
        },
      },
      excludeFromTail: isShowinfoLine,
      onStderrLine: (line) => {
        const ms = clock.read(line);
        if (ms === undefined) return;
        offer(stamper.addTime(ms));
        step();
      },
    });

    const armStall = (): void => {
      clearTimeout(stallTimer);
      if (exit || paused || ownError) return;
      stallTimer = setTimeout(() => {
        ownError = new FakescopeError(
          'E_INPUT_UNREACHABLE',
          `${cfg.input}: no frame for ${cfg.stallTimeoutMs / 1000} s (input stalled)`,
        );
        void proc.kill();
      }, cfg.stallTimeoutMs);
    };

    const setPaused = (want: boolean): void => {
      if (want === paused || exit) return;
      paused = want;
      if (want) proc.stdout.pause();
      else proc.stdout.resume();
      armStall();
    };

    // Moves frames along as far as room and credit allow; re-entrant calls fold into the loop.
    const step = (): void => {
      if (busy || subscriber.closed) return;
      busy = true;
      try {
        let moved = true;
        while (moved) {
          moved = false;
          // One frame at a time, each emitted as soon as credit allows: a live source must not
          // drop frames just because one stdout chunk held several small ones.
          if (roomToCut() && splitter.hasFrame) {
            decoded++;
            cfg.stats.decoded++;
            offer(stamper.addData(splitter.take() as Uint8Array));
            moved = true;
          }
          if (exit && !splitter.hasFrame) offer(stamper.flush());
          while (credit > 0 && queue.size > 0) {
            const f = queue.take() as StampedFrame;
            credit--;
            cfg.stats.emitted++;
            const { streamId, width, height } = cfg;
            subscriber.next(Object.freeze<Frame>({ streamId, seq: seq++, ptsMs: f.ptsMs, width, height, data: f.data }));
            if (subscriber.closed) return;
            moved = true;
          }
        }
        if (pauses) setPaused(!roomToCut());
        if (exit && !splitter.hasFrame && stamper.waiting === 0 && queue.size === 0) finish(exit);
      } finally {
        busy = false;
      }
    };

    const finish = (end: ProcessExit): void => {
      const error = streamOutcome({
        exit: end,
        stderrTail: proc.stderrTail(),
        ...(ownError ? { ownError } : {}),
        decoded,
        lastPtsMs,
        expectedDurationMs: cfg.expectedDurationMs,
        input: cfg.input,
        ffmpegInput: cfg.ffmpegInput,
      });
      if (error) subscriber.error(error);
      else subscriber.complete();
    };

    void proc.exited.then((end) => {
      exit = end;
      clearTimeout(stallTimer);
      step();
    });
    armStall();
    const demandSub = demand?.subscribe({
      next: (n) => {
        if (n > 0) credit += n;
        step();
      },
      error: (e: unknown) => subscriber.error(e),
    });

    return () => {
      clearTimeout(stallTimer);
      demandSub?.unsubscribe();
      void proc.kill();
    };
  });
}
