import { defineDetector } from '../registry.js';
import { MotionConfigSchema } from './config.js';
import { createMotionDetector } from './detector.js';

export { MotionConfigSchema } from './config.js';

export const motionRegistration = defineDetector({
  type: 'motion',
  description: 'Biological signal: facial motion (quadrature-phase motion of the aligned face and landmark dynamics over 2.1 s windows), classifier with Monte Carlo uncertainty and a generator head.',
  schema: MotionConfigSchema,
  create: createMotionDetector,
});
