import { defineDetector } from '../registry.js';
import { RppgConfigSchema } from './config.js';
import { createRppgDetector } from './detector.js';

export { RppgConfigSchema } from './config.js';

export const rppgRegistration = defineDetector({
  type: 'rppg',
  description: 'Biological signal: remote photoplethysmography (pulse) windows, PPG-map CNN with Monte Carlo dropout.',
  schema: RppgConfigSchema,
  create: createRppgDetector,
});
