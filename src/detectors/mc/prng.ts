/**
 * Seeded pseudo-random numbers for Monte Carlo sampling (dropout masks, Bayesian weight noise).
 * Everything random in a detector comes from here, so an analysis repeats exactly under the same
 * `seed` and tests can assert it. Not for cryptography.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018; 128-bit state, period 2^128 − 1, passes
 * BigCrush), its state filled by splitmix32 from a 32-bit seed so that nearby seeds (1, 2, 3 …)
 * give unrelated streams. Pure integer arithmetic: identical on every platform.
 */

export interface Prng {
  /** Next 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number;
  /** Standard normal N(0, 1) (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number;
}

/** splitmix32 step: a well-mixed 32-bit output from a counter (used for seeding and hashing). */
function splitmix32(state: number): { value: number; state: number } {
  const s = (state + 0x9e3779b9) >>> 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return { value: (z ^ (z >>> 16)) >>> 0, state: s };
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** A xoshiro128** generator seeded from any 32-bit integer (other numbers are truncated to 32 bits). */
export function createPrng(seed: number): Prng {
  let sm = seed >>> 0;
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    const r = splitmix32(sm);
    sm = r.state;
    state[i] = r.value;
  }
  return prngFromState(state);
}

/**
 * xoshiro128** from an explicit 128-bit state (four words, not all zero); for reference test
 * vectors. The array is copied.
 */
export function prngFromState(state: ArrayLike<number>): Prng {
  const s = Uint32Array.from({ length: 4 }, (_, i) => (state[i] as number) >>> 0);
  // An all-zero state is the one fixed point of xoshiro.
  if (s.every((w) => w === 0)) throw new RangeError('xoshiro128** state must not be all zero');
  let spare: number | null = null;

  const nextUint32 = (): number => {
    const s0 = s[0] as number;
    const s1 = s[1] as number;
    const s2 = s[2] as number;
    const s3 = s[3] as number;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    const n2 = (s2 ^ s0) >>> 0;
    const n3 = (s3 ^ s1) >>> 0;
    s[1] = (s1 ^ n2) >>> 0;
    s[0] = (s0 ^ n3) >>> 0;
    s[2] = (n2 ^ t) >>> 0;
    s[3] = rotl(n3, 11);
    return result;
  };
  const uniform = (): number => nextUint32() / 4294967296;
  const normal = (): number => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    // u1 in (0, 1] so the log is finite.
    const u1 = 1 - uniform();
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
  return { nextUint32, uniform, normal };
}

/**
 * A 32-bit seed derived from a base seed and a path of labels (numbers or strings), e.g.
 * `deriveSeed(config.seed, 'rppg', trackId, windowIndex)`: each path gets its own stream, and the
 * streams do not depend on the order in which they are created.
 */
export function deriveSeed(seed: number, ...path: readonly (number | string)[]): number {
  let h = splitmix32(seed >>> 0).value;
  const mix = (word: number): void => {
    h = splitmix32((h ^ (word >>> 0)) >>> 0).value;
  };
  for (const part of path) {
    if (typeof part === 'number') {
      if (!Number.isFinite(part)) throw new RangeError(`seed path parts must be finite, got ${part}`);
      // Integers up to 2^53 keep both halves; fractions are not expected but stay deterministic.
      mix(part >>> 0);
      mix(Math.floor(part / 4294967296) >>> 0);
    } else {
      mix(0x5f3759df ^ part.length);
      for (let i = 0; i < part.length; i++) mix(part.charCodeAt(i));
    }
  }
  return h;
}
