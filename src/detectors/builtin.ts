import { blindRegistration } from './blind/index.js';
import { identityRegistration } from './identity/index.js';
import type { DetectorRegistry } from './registry.js';
import { motionRegistration } from './motion/index.js';
import { createRegistry } from './registry.js';
import { rppgRegistration } from './rppg/index.js';

/** Every detector fakescope ships, by config `type`. A new detector folder adds its entry here. */
export function builtinRegistry(): DetectorRegistry {
  return createRegistry([rppgRegistration, blindRegistration, motionRegistration, identityRegistration]);
}
