/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 32-bit seed from a string or number (FNV-1a over the UTF-16 code units, then mixed), for
 * {@link hashUniform}.
 */
export function hashSeed(seed: number | string): number {
  const text = typeof seed === 'number' ? `n:${seed}` : `s:${seed}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/**
 * A counter-based uniform in [0, 1): a hash of (seed, a, b, c, d), each an integer (only its
 * low 32 bits count):
 *
 *     h = mix(… mix(mix(seed ⊕ a·φ) ⊕ b·φ) …),   u = h / 2^32,   φ = 0x9e3779b9.
 *
 * The simulator draws every per-attempt random number this way, keyed by (request, deployment,
 * visit, purpose), so the same request meets the same luck at the same deployment under every
 * policy (common random numbers), whatever order the policy tried things in.
 */
export function hashUniform(seed: number, a: number, b: number, c: number, d: number): number {
  let h = mix32(seed ^ Math.imul(a, 0x9e3779b9));
  h = mix32(h ^ Math.imul(b + 0x632be5ab, 0x9e3779b9));
  h = mix32(h ^ Math.imul(c + 0x85157af5, 0x9e3779b9));
  h = mix32(h ^ Math.imul(d + 0x2545f491, 0x9e3779b9));
  return h / 4294967296;
}
