/**
 * A small seeded pseudo-random generator (mulberry32 over a string hash):
 * the same key always gives the same sequence, on every machine and Node
 * version, which is what makes the demo history reproducible.
 */
export interface DemoRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A Poisson-distributed count with mean `lambda` (Knuth's method). */
  poisson(lambda: number): number;
  /** `length` lower-case hex digits, e.g. a commit sha. */
  hex(length: number): string;
}

/** FNV-1a 32-bit hash of a string. */
export function hashString(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A generator seeded by `key`. */
export function createRandom(key: string): DemoRandom {
  let state = hashString(key);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: DemoRandom = {
    next,
    between: (min, max) => min + next() * (max - min),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: p => next() < p,
    pick: items => items[Math.floor(next() * items.length)],
    poisson: lambda => {
      if (lambda <= 0) {
        return 0;
      }
      const limit = Math.exp(-lambda);
      let count = 0;
      let product = next();
      while (product > limit) {
        count += 1;
        product *= next();
      }
      return count;
    },
    hex: length => {
      let out = '';
      while (out.length < length) {
        out += Math.floor(next() * 0x10000)
          .toString(16)
          .padStart(4, '0');
      }
      return out.slice(0, length);
    },
  };
  return random;
}
