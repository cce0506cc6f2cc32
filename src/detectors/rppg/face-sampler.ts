import type { Frame } from '../../core/frame.js';
import type { TrackedFace } from '../../core/face.js';
import { type CompiledRegionLayout, compileRegionLayout } from './layout.js';
import { type RegionSample, sampleRegions } from './regions.js';

/**
 * Per-track region sampling: one instance per face track, shared by the detector and the training
 * data script so that both see the same samples.
 */
export class FaceSampler {
  constructor(private readonly layout: CompiledRegionLayout = compileRegionLayout()) {}

  sample(frame: Frame, face: TrackedFace): RegionSample {
    return sampleRegions(frame, face.landmarks, this.layout);
  }
}
