import type { Observable, ObservableInput } from 'rxjs';
import { EMPTY, Subject, concat, defer, finalize, from, materialize, merge, mergeMap, of, throwError } from 'rxjs';
import type { Frame } from '../core/frame.js';
import type { VideoSource } from './types.js';

/**
 * Runs `work` on each frame of a source with the source's backpressure intact: the source is asked
 * for `concurrency` frames up front and for one more each time a `work` finishes (completes,
 * errors or is cancelled). A file is therefore decoded at the speed of analysis, and a live source
 * drops in its latest-wins slots, instead of frames piling up in a concatMap buffer.
 * With concurrency 1 results come in frame order; above 1 in completion order (results carry
 * their frame's seq).
 *
 * A source error (e.g. a file truncated mid-stream) is held back until the work already started
 * has finished, so the frames delivered before the error are never lost to a cancelled analysis.
 */
export function pullFrames<R>(
  source: Pick<VideoSource, 'frames'>,
  work: (frame: Frame) => ObservableInput<R>,
  opts: { concurrency?: number } = {},
): Observable<R> {
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be >= 1`);
  return defer(() => {
    const done = new Subject<number>();
    // `done` is subscribed before the initial credit is granted, so a work that finishes
    // synchronously inside the first emission still returns its credit.
    let sourceError: { error: unknown } | null = null;
    const results = source.frames(merge(done, of(concurrency))).pipe(
      materialize(),
      mergeMap((n) => {
        if (n.kind === 'N') return from(work(n.value)).pipe(finalize(() => done.next(1)));
        if (n.kind === 'E') sourceError = { error: n.error };
        return EMPTY;
      }, concurrency),
    );
    return concat(
      results,
      defer(() => (sourceError ? throwError(() => (sourceError as { error: unknown }).error) : EMPTY)),
    );
  });
}
