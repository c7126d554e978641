import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every Stilts API key starts with this, so leaked keys are recognisable (and scannable). */
export const API_KEY_PREFIX = 'sk-stilts-';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 40;
const WELL_FORMED = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH}}$`);

/**
 * A new API key: the prefix and 40 base62 characters (~238 bits), drawn without modulo bias
 * by rejection sampling from the OS's CSPRNG.
 */
export function generateApiKey(): string {
  let body = '';
  while (body.length < BODY_LENGTH) {
    for (const byte of randomBytes(64)) {
      if (byte < 248 && body.length < BODY_LENGTH) body += ALPHABET[byte % 62];
    }
  }
  return API_KEY_PREFIX + body;
}

/** Could this be a Stilts key at all? (Cheap check before hashing.) */
export function isWellFormedApiKey(key: string): boolean {
  return WELL_FORMED.test(key);
}

/**
 * SHA-256 of the key, hex: what is stored and looked up. Keys are random, so no salt is needed.
 * Runs on every request: the one-shot `crypto.hash` costs half of a `createHash` object.
 */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** What people see to recognise a key: the prefix and the first 6 characters. */
export function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}

/** Constant-time equality of two hex digests of equal length. */
export function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}
