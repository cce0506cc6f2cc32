import type { Observable } from 'rxjs';
import { Observable as Obs, map, throwError, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/core/frame.js';
import { pullFrames } from '../../src/ingest/pull-frames.js';

/** A source with `total` frames ready at once (a file with read-ahead) that honours demand. */
function readySource(total: number, scheduler: TestScheduler, pulledAt: number[], torn: { down: boolean }) {
  return {
    frames: (demand?: Observable<number>): Observable<Frame> =>
      new Obs<Frame>((sub) => {
        let credit = demand ? 0 : Infinity;
        let seq = 0;
        let busy = false; // like the real source: a credit granted inside next() folds into the loop
        const pump = () => {
          if (busy) return;
          busy = true;
          while (credit > 0 && seq < total) {
            credit--;
            pulledAt.push(scheduler.now());
            sub.next({ streamId: 's', seq: seq++, ptsMs: 0, width: 1, height: 1, data: new Uint8Array(3) });
          }
          busy = false;
          if (seq === total) sub.complete();
        };
        const s = demand?.subscribe((n) => {
          credit += n;
          pump();
        });
        pump();
        return () => {
          torn.down = true;
          s?.unsubscribe();
        };
      }),
  };
}

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('pullFrames', () => {
  it('takes the next frame only when the previous analysis finished', () => {
    const scheduler = newScheduler();
    const pulledAt: number[] = [];
    scheduler.run(({ expectObservable }) => {
      const source = readySource(3, scheduler, pulledAt, { down: false });
      const out = pullFrames(source, (f) => timer(3).pipe(map(() => f.seq)));
      expectObservable(out).toBe('---a--b--(c|)', { a: 0, b: 1, c: 2 });
    });
    expect(pulledAt).toEqual([0, 3, 6]);
  });

  it('keeps `concurrency` analyses in flight, no more', () => {
    const scheduler = newScheduler();
    const pulledAt: number[] = [];
    const results: [number, number][] = [];
    scheduler.run(() => {
      const source = readySource(3, scheduler, pulledAt, { down: false });
      pullFrames(source, (f) => timer(3).pipe(map(() => f.seq)), { concurrency: 2 }).subscribe((seq) =>
        results.push([scheduler.now(), seq]),
      );
    });
    expect(pulledAt).toEqual([0, 0, 3]);
    expect(results).toEqual([
      [3, 0],
      [3, 1],
      [6, 2],
    ]);
  });

  it('handles work that finishes synchronously without recursion trouble', () => {
    const scheduler = newScheduler();
    const pulledAt: number[] = [];
    scheduler.run(({ expectObservable }) => {
      const source = readySource(500, scheduler, pulledAt, { down: false });
      const out = pullFrames(source, (f) => [f.seq]);
      expectObservable(out.pipe(map((n) => (n === 499 ? 'z' : 'x')))).toBe(`(${'x'.repeat(499)}z|)`);
    });
  });

  it('errors with the work and stops the source', () => {
    const scheduler = newScheduler();
    const torn = { down: false };
    scheduler.run(({ expectObservable }) => {
      const source = readySource(5, scheduler, [], torn);
      const out = pullFrames(source, (f) => (f.seq === 1 ? throwError(() => new Error('boom')) : timer(2).pipe(map(() => f.seq))));
      expectObservable(out).toBe('--(a#)', { a: 0 }, new Error('boom'));
    });
    expect(torn.down).toBe(true);
  });

  it('lets the work in flight finish before passing on a source error', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      // Two frames, then the source fails (a truncated file) while frame 1 is being analysed.
      const frames = cold<Frame>('a-b#', {
        a: { streamId: 's', seq: 0, ptsMs: 0, width: 1, height: 1, data: new Uint8Array(3) },
        b: { streamId: 's', seq: 1, ptsMs: 0, width: 1, height: 1, data: new Uint8Array(3) },
      });
      const out = pullFrames({ frames: () => frames }, (f) => timer(5).pipe(map(() => f.seq)), { concurrency: 2 });
      expectObservable(out).toBe('-----a-(b#)', { a: 0, b: 1 });
    });
  });

  it('stops the source when the result is unsubscribed', () => {
    const scheduler = newScheduler();
    const torn = { down: false };
    scheduler.run(({ expectObservable }) => {
      const source = readySource(5, scheduler, [], torn);
      const out = pullFrames(source, (f) => timer(3).pipe(map(() => f.seq)));
      expectObservable(out, '----!').toBe('---a', { a: 0 });
    });
    expect(torn.down).toBe(true);
  });

  it('rejects a concurrency below 1', () => {
    expect(() => pullFrames(readySource(1, newScheduler(), [], { down: false }), () => [1], { concurrency: 0 })).toThrow(RangeError);
  });
});
