/**
 * Small deterministic pseudo-random number generator (sfc32) for the sandbox:
 * the demo account and the fault injector draw from it so that the same
 * `randomSeed` always gives the same account and the same fault sequence.
 *
 * @module
 */

/** A seeded source of pseudo-random numbers. */
export interface Prng {
  /** Next float in [0, 1). */
  next(): number;
  /** Integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** An independent generator derived from this one's seed and a label. */
  fork(label: string | number): Prng;
}

/**
 * 32-bit FNV-1a hash of a string, used to derive seeds from labels.
 *
 * @example Derive a seed
 * ```ts
 * import { hashString } from "./prng.ts";
 * const seed = hashString("connections");
 * ```
 */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Create a seeded generator. Equal seeds give equal sequences.
 *
 * @example Roll a die
 * ```ts
 * import { createPrng } from "./prng.ts";
 * const rng = createPrng(42);
 * const face = rng.int(1, 6);
 * ```
 */
export function createPrng(seed: number): Prng {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35);
  let d = seed | 0;
  const next = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
    fork: (label) => createPrng((hashString(String(label)) ^ seed) >>> 0),
  };
}
