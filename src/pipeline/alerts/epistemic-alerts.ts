import type { OperatorFunction } from 'rxjs';
import { Observable } from 'rxjs';
import type { FrameResult } from '../frame-result.js';
import { SpikeTracker } from './spike-tracker.js';
import type { SpikeAlertEvent, SpikePolicy } from './types.js';

/**
 * Frame results → epistemic-spike alert events, one `SpikeTracker` per face track. Each track's
 * sample is the epistemic uncertainty of every detector that answered `ok` for it on the frame;
 * frames where none did leave the tracker untouched. A track that ends closes its open alert,
 * and so does the end of the stream. Synchronous and driven by media time only, so it needs no
 * scheduler and tests run in virtual time.
 */
export function epistemicAlerts(policy: SpikePolicy): OperatorFunction<FrameResult, SpikeAlertEvent> {
  return (source) =>
    new Observable<SpikeAlertEvent>((subscriber) => {
      const trackers = new Map<number, SpikeTracker>();
      const emit = (events: readonly SpikeAlertEvent[]) => {
        for (const e of events) subscriber.next(e);
      };
      return source.subscribe({
        next: (r) => {
          for (const face of r.faces) {
            const epistemic: Record<string, number> = {};
            for (const [name, out] of Object.entries(face.detectors)) {
              if (out.state === 'ok' && out.uncertainty) epistemic[name] = out.uncertainty.epistemic;
            }
            if (Object.keys(epistemic).length === 0) continue;
            let t = trackers.get(face.trackId);
            if (!t) {
              t = new SpikeTracker(face.trackId, policy);
              trackers.set(face.trackId, t);
            }
            emit(t.push({ seq: r.seq, ptsMs: r.ptsMs, epistemic }));
          }
          for (const id of r.endedTracks) {
            const t = trackers.get(id);
            trackers.delete(id);
            if (t) emit(t.finish());
          }
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          for (const t of trackers.values()) emit(t.finish());
          trackers.clear();
          subscriber.complete();
        },
      });
    });
}
