import type { OperatorFunction } from 'rxjs';
import { Observable } from 'rxjs';
import type { FrameResult } from '../frame-result-schema.js';
import { TrackAlerts } from './track-alerts.js';
import type { SpikeAlertEvent, SpikePolicy } from './types.js';

/**
 * Frame results → epistemic-spike alert events (see `TrackAlerts`). The end of the stream closes
 * every open alert. Synchronous and driven by media time only, so it needs no scheduler and tests
 * run in virtual time.
 */
export function epistemicAlerts(policy: SpikePolicy): OperatorFunction<FrameResult, SpikeAlertEvent> {
  return (source) =>
    new Observable<SpikeAlertEvent>((subscriber) => {
      const alerts = new TrackAlerts(policy);
      const emit = (events: readonly SpikeAlertEvent[]) => {
        for (const e of events) subscriber.next(e);
      };
      return source.subscribe({
        next: (r) => emit(alerts.push(r)),
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          emit(alerts.finish());
          subscriber.complete();
        },
      });
    });
}
