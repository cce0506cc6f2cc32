import type { FrameResult } from '../frame-result-schema.js';
import { SpikeTracker } from './spike-tracker.js';
import type { SpikeAlertEvent, SpikePolicy } from './types.js';

/**
 * Frame results → epistemic-spike alert events, one `SpikeTracker` per face track. Each track's
 * sample is the epistemic uncertainty of every detector that answered `ok` for it on the frame (the
 * same epistemic figure the verdict uses: mutual information plus the distance term where a
 * detector has one); frames where none did leave the tracker untouched. A track that ends closes
 * its open alert. Synchronous and driven by media time only.
 */
export class TrackAlerts {
  private readonly trackers = new Map<number, SpikeTracker>();

  constructor(private readonly policy: SpikePolicy) {}

  push(r: FrameResult): SpikeAlertEvent[] {
    const out: SpikeAlertEvent[] = [];
    for (const face of r.faces) {
      const epistemic: Record<string, number> = {};
      for (const [name, o] of Object.entries(face.detectors)) {
        if (o.state === 'ok' && o.uncertainty) epistemic[name] = o.uncertainty.epistemic;
      }
      if (Object.keys(epistemic).length === 0) continue;
      let t = this.trackers.get(face.trackId);
      if (!t) {
        t = new SpikeTracker(face.trackId, this.policy);
        this.trackers.set(face.trackId, t);
      }
      out.push(...t.push({ seq: r.seq, ptsMs: r.ptsMs, epistemic }));
    }
    for (const id of r.endedTracks) {
      const t = this.trackers.get(id);
      this.trackers.delete(id);
      if (t) out.push(...t.finish());
    }
    return out;
  }

  /** Closes every open alert (end of stream). */
  finish(): SpikeAlertEvent[] {
    const out = [...this.trackers.values()].flatMap((t) => t.finish());
    this.trackers.clear();
    return out;
  }
}
