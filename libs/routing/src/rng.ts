/**
 * A source of uniform random numbers in [0, 1). Everything in `@stilts/routing` takes an `Rng`
 * instead of calling `Math.random()`, so every result is reproducible under a seed.
 */
export interface Rng {
  /** A uniformly distributed number in [0, 1). */
  next(): number;
}

/**
 * Hashes a string or number seed into a 32-bit state (FNV-1a over the UTF-16 code units, then
 * a murmur3 finaliser so nearby seeds give unrelated streams).
 */
function seedToState(seed: number | string): number {
  const text = typeof seed === 'number' ? `n:${seed}` : `s:${seed}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A small, fast, seeded generator (mulberry32: a 32-bit Weyl sequence through a mixing
 * function; period 2^32). Good enough for routing and simulation, not for cryptography.
 */
export class SeededRng implements Rng {
  private state: number;

  constructor(seed: number | string) {
    this.state = seedToState(seed);
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An independent generator derived from this one's seed stream and a label. */
  fork(label: string): SeededRng {
    return new SeededRng(`${this.next()}:${label}`);
  }
}

/** Creates a seeded {@link Rng}; equal seeds give equal sequences. */
export function createSeededRng(seed: number | string): SeededRng {
  return new SeededRng(seed);
}
