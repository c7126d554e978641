import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '@stilts/routing';
import { KeyRateLimiter } from './key-rate-limiter.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

describe('KeyRateLimiter', () => {
  it('admits up to the requests-per-minute limit, then refuses with Retry-After and headers', () => {
    const clock = new ManualClock(T0 + 10_000);
    const limiter = new KeyRateLimiter(clock);
    for (let i = 0; i < 5; i++) expect(limiter.admit('k', 5, null).allowed).toBe(true);
    const refused = limiter.admit('k', 5, null);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBe(50);
    expect(refused.headers).toMatchObject({
      'x-ratelimit-limit-requests': '5',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '50s',
    });
    // Another key is unaffected.
    expect(limiter.admit('other', 5, null).allowed).toBe(true);
  });

  it('slides: the previous minute still counts in proportion to its overlap', () => {
    const clock = new ManualClock(T0);
    const limiter = new KeyRateLimiter(clock);
    for (let i = 0; i < 10; i++) limiter.admit('k', 10, null);
    clock.advance(60_000 + 30_000); // half of the previous minute still in the window: 5 counted
    for (let i = 0; i < 5; i++) expect(limiter.admit('k', 10, null).allowed).toBe(true);
    expect(limiter.admit('k', 10, null).allowed).toBe(false);
    clock.advance(120_000); // both minutes gone
    expect(limiter.admit('k', 10, null).allowed).toBe(true);
  });

  it('limits tokens per minute once the used tokens reach the limit', () => {
    const clock = new ManualClock(T0);
    const limiter = new KeyRateLimiter(clock);
    expect(limiter.admit('k', null, 1_000).allowed).toBe(true);
    limiter.addTokens('k', 999);
    expect(limiter.admit('k', null, 1_000).allowed).toBe(true);
    limiter.addTokens('k', 1);
    const refused = limiter.admit('k', null, 1_000);
    expect(refused.allowed).toBe(false);
    expect(refused.headers['x-ratelimit-remaining-tokens']).toBe('0');
  });

  it('divides the limit by the replicas sharing it', () => {
    const limiter = new KeyRateLimiter(new ManualClock(T0), () => 3);
    for (let i = 0; i < 3; i++) expect(limiter.admit('k', 10, null).allowed).toBe(true);
    expect(limiter.admit('k', 10, null).allowed).toBe(false);
  });

  it('adds no headers and keeps no state for keys without limits', () => {
    const limiter = new KeyRateLimiter(new ManualClock(T0));
    expect(limiter.admit('k', null, null)).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
      headers: {},
    });
  });
});
