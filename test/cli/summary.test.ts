import { describe, expect, it } from 'vitest';
import { formatScore } from '../../src/cli/summary.js';

const u = { mean: 0.56, std: 0.04, entropy: 0.69, aleatoric: 0.682, epistemic: 0.15, samples: 9488 };

describe('formatScore', () => {
  it('prints a detector score as its mean with the uncertainty', () => {
    expect(formatScore(u)).toBe('p(fake) 0.56 ± 0.04 (aleatoric 0.682, epistemic 0.150 nats, n=9488)');
  });
  it('prints a calibrated fused score first and names the detectors\' mean it was mapped from', () => {
    expect(formatScore(u, 0.51)).toBe("p(fake) 0.51 (calibrated; detectors' mean 0.56 ± 0.04, aleatoric 0.682, epistemic 0.150 nats, n=9488)");
    // a map that barely moves the score is not worth a second number
    expect(formatScore(u, 0.562)).toBe('p(fake) 0.56 ± 0.04 (aleatoric 0.682, epistemic 0.150 nats, n=9488)');
    expect(formatScore(u, null)).toBe(formatScore(u));
  });
});
