import { describe, expect, it } from '@jest/globals';
import {
  API_KEY_PREFIX,
  displayPrefix,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  sameDigest,
} from './api-key-secret.js';

describe('API key secrets', () => {
  it('generates well-formed, distinct keys', () => {
    const keys = new Set(Array.from({ length: 1_000 }, generateApiKey));
    expect(keys.size).toBe(1_000);
    for (const key of keys) {
      expect(key.startsWith(API_KEY_PREFIX)).toBe(true);
      expect(isWellFormedApiKey(key)).toBe(true);
    }
  });

  it('uses every base62 character (no biased or missing symbols)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++)
      for (const c of generateApiKey().slice(API_KEY_PREFIX.length)) seen.add(c);
    expect(seen.size).toBe(62);
  });

  it.each([
    '',
    'sk-stilts-short',
    `${API_KEY_PREFIX}${'a'.repeat(39)}!`,
    `sk-other-${'a'.repeat(40)}`,
  ])('rejects %p as malformed', (key) => {
    expect(isWellFormedApiKey(key)).toBe(false);
  });

  it('hashes to hex SHA-256 and shows only a short prefix', () => {
    const key = `${API_KEY_PREFIX}${'A'.repeat(40)}`;
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(displayPrefix(key)).toBe('sk-stilts-AAAAAA');
  });

  it('compares digests', () => {
    const a = hashApiKey(generateApiKey());
    expect(sameDigest(a, a)).toBe(true);
    expect(sameDigest(a, hashApiKey(generateApiKey()))).toBe(false);
    expect(sameDigest(a, a.slice(2))).toBe(false);
  });
});
