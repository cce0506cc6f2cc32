import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from '../core/frame.js';
import type { FrameResult } from '../pipeline/frame-result-schema.js';
import { boxesObserved, renderOverlay } from '../render/overlay.js';

/**
 * Writes one overlay JPEG every `every` frames (`<dir>/frame-000123.jpg`). When a slot's frame has
 * predicted face boxes, the next frame whose boxes the face detector saw is drawn instead (at most
 * `every - 1` frames later), so a box sits where the face is on the frame it is drawn on.
 * Rendering runs off the analysis path; at most two renders are in flight, further frames are
 * skipped (and counted) rather than queued, so a slow disk cannot grow memory.
 */
export class OverlayWriter {
  private inFlight = new Set<Promise<void>>();
  skipped = 0;
  written = 0;

  constructor(
    private readonly dir: string,
    private readonly every: number,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Seq of the slot waiting for a frame with observed boxes, or null. */
  private pendingSince: number | null = null;

  add(frame: Frame, result: FrameResult): void {
    if (result.seq % this.every === 0) this.pendingSince = result.seq;
    if (this.pendingSince === null) return;
    if (!boxesObserved(result.faces) && result.seq - this.pendingSince < this.every - 1) return;
    this.pendingSince = null;
    if (this.inFlight.size >= 2) {
      this.skipped++;
      return;
    }
    const job = renderOverlay(frame, result.faces, { format: 'jpeg', quality: 85 })
      .then((buf) => {
        writeFileSync(join(this.dir, `frame-${String(result.seq).padStart(6, '0')}.jpg`), buf);
        this.written++;
      })
      .catch((e: unknown) => {
        process.stderr.write(`fakescope: overlay for frame ${result.seq} not written: ${String(e)}\n`);
      })
      .finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  async flush(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}
