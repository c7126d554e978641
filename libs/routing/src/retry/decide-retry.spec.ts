import { describe, expect, it } from '@jest/globals';
import { createSeededRng, type Rng } from '../rng.js';
import type { UpstreamFailure } from './classify-failure.js';
import {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  type RetryInput,
  type RetryPolicyOptions,
} from './decide-retry.js';

class FixedRng implements Rng {
  draws = 0;
  constructor(private readonly value: number) {}
  next(): number {
    this.draws++;
    return this.value;
  }
}

const NOW = 1_000_000;
const POLICY: RetryPolicyOptions = {
  maxAttempts: 3,
  backoff: { baseMs: 50, capMs: 2_000 },
  maxRetryAfterMs: 30_000,
};
const HTTP_503: UpstreamFailure = { kind: 'http', status: 503 };

function input(overrides: Partial<RetryInput> = {}): RetryInput {
  return {
    failure: HTTP_503,
    attemptsMade: 1,
    now: NOW,
    deadlineAt: NOW + 60_000,
    sameTarget: true,
    retryIndex: 0,
    ...overrides,
  };
}

describe('DEFAULT_RETRY_POLICY', () => {
  it('allows 3 attempts with the default backoff and Retry-After up to 30 s', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({
      maxAttempts: 3,
      backoff: { baseMs: 50, capMs: 2_000 },
      maxRetryAfterMs: 30_000,
    });
  });
});

describe('decideRetry', () => {
  describe('classification', () => {
    it.each([400, 404, 413, 422, 418])(
      'stops on caller error %i, even when failing over, without drawing',
      (status) => {
        const rng = new FixedRng(0.5);
        for (const sameTarget of [true, false]) {
          expect(
            decideRetry(input({ failure: { kind: 'http', status }, sameTarget }), POLICY, rng),
          ).toEqual({
            action: 'stop',
            reason: 'not-retryable',
          });
        }
        expect(rng.draws).toBe(0);
      },
    );

    it.each([401, 402, 403, 407])(
      'fails over on misconfigured %i but never retries the same target',
      (status) => {
        const failure: UpstreamFailure = { kind: 'http', status };
        expect(
          decideRetry(input({ failure, sameTarget: true }), POLICY, new FixedRng(0.5)),
        ).toEqual({
          action: 'stop',
          reason: 'not-retryable',
        });
        expect(
          decideRetry(input({ failure, sameTarget: false }), POLICY, new FixedRng(0.5)),
        ).toEqual({
          action: 'retry',
          delayMs: 0,
        });
      },
    );

    it.each<UpstreamFailure>([
      { kind: 'timeout', phase: 'connect' },
      { kind: 'timeout', phase: 'first-byte' },
      { kind: 'timeout', phase: 'idle' },
      { kind: 'timeout', phase: 'total' },
      { kind: 'connection' },
      { kind: 'malformed' },
      { kind: 'http', status: 408 },
      { kind: 'http', status: 429 },
      { kind: 'http', status: 500 },
      { kind: 'http', status: 529 },
    ])('retries %j on the same target', (failure) => {
      expect(decideRetry(input({ failure }), POLICY, new FixedRng(0.5))).toEqual({
        action: 'retry',
        delayMs: 25,
      });
    });

    it('throws on an impossible HTTP status', () => {
      expect(() =>
        decideRetry(input({ failure: { kind: 'http', status: 200 } }), POLICY, new FixedRng(0)),
      ).toThrow(RangeError);
    });
  });

  describe('attempt limit', () => {
    it('stops once attemptsMade reaches maxAttempts', () => {
      expect(decideRetry(input({ attemptsMade: 3 }), POLICY, new FixedRng(0))).toEqual({
        action: 'stop',
        reason: 'max-attempts',
      });
      expect(
        decideRetry(input({ attemptsMade: 4, sameTarget: false }), POLICY, new FixedRng(0)),
      ).toEqual({
        action: 'stop',
        reason: 'max-attempts',
      });
    });

    it('allows the last attempt', () => {
      expect(decideRetry(input({ attemptsMade: 2 }), POLICY, new FixedRng(0)).action).toBe('retry');
    });

    it('allows no retry at all with maxAttempts 1', () => {
      expect(
        decideRetry(input({ sameTarget: false }), { ...POLICY, maxAttempts: 1 }, new FixedRng(0)),
      ).toEqual({ action: 'stop', reason: 'max-attempts' });
    });

    it('reports a caller error before the attempt limit', () => {
      expect(
        decideRetry(
          input({ attemptsMade: 3, failure: { kind: 'http', status: 400 } }),
          POLICY,
          new FixedRng(0),
        ),
      ).toEqual({ action: 'stop', reason: 'not-retryable' });
    });
  });

  describe('failover to another deployment', () => {
    it('does not wait, whatever the Retry-After, and does not draw', () => {
      const rng = new FixedRng(0.9);
      expect(
        decideRetry(input({ sameTarget: false, retryAfterMs: 10_000, retryIndex: 5 }), POLICY, rng),
      ).toEqual({ action: 'retry', delayMs: 0 });
      expect(rng.draws).toBe(0);
    });

    it('ignores a Retry-After longer than the maximum', () => {
      expect(
        decideRetry(input({ sameTarget: false, retryAfterMs: 3_600_000 }), POLICY, new FixedRng(0)),
      ).toEqual({ action: 'retry', delayMs: 0 });
    });

    it('stops at the deadline: no attempt may start at or after it', () => {
      expect(
        decideRetry(input({ sameTarget: false, deadlineAt: NOW }), POLICY, new FixedRng(0)),
      ).toEqual({ action: 'stop', reason: 'deadline' });
      expect(
        decideRetry(input({ sameTarget: false, deadlineAt: NOW - 1 }), POLICY, new FixedRng(0)),
      ).toEqual({ action: 'stop', reason: 'deadline' });
      expect(
        decideRetry(input({ sameTarget: false, deadlineAt: NOW + 1 }), POLICY, new FixedRng(0)),
      ).toEqual({ action: 'retry', delayMs: 0 });
    });
  });

  describe('retry on the same deployment', () => {
    it('waits the full-jitter backoff for the retry index', () => {
      // ceiling min(2000, 50 · 2^2) = 200; u = 0.5 -> 100.
      expect(decideRetry(input({ retryIndex: 2 }), POLICY, new FixedRng(0.5))).toEqual({
        action: 'retry',
        delayMs: 100,
      });
      // ceiling capped at 2000.
      expect(decideRetry(input({ retryIndex: 10 }), POLICY, new FixedRng(0.5))).toEqual({
        action: 'retry',
        delayMs: 1_000,
      });
    });

    it('waits the Retry-After when it is longer than the backoff', () => {
      expect(decideRetry(input({ retryAfterMs: 1_000 }), POLICY, new FixedRng(0.5))).toEqual({
        action: 'retry',
        delayMs: 1_000,
      });
    });

    it('waits the backoff when it is longer than the Retry-After', () => {
      expect(
        decideRetry(input({ retryAfterMs: 10, retryIndex: 2 }), POLICY, new FixedRng(0.5)),
      ).toEqual({ action: 'retry', delayMs: 100 });
    });

    it('draws exactly once', () => {
      const rng = new FixedRng(0.5);
      decideRetry(input({ retryAfterMs: 5_000 }), POLICY, rng);
      expect(rng.draws).toBe(1);
    });

    it('stops when the Retry-After exceeds maxRetryAfterMs, but waits one equal to it', () => {
      expect(decideRetry(input({ retryAfterMs: 30_001 }), POLICY, new FixedRng(0))).toEqual({
        action: 'stop',
        reason: 'retry-after-too-long',
      });
      expect(decideRetry(input({ retryAfterMs: 30_000 }), POLICY, new FixedRng(0))).toEqual({
        action: 'retry',
        delayMs: 30_000,
      });
    });

    it('stops when the attempt would start exactly at the deadline', () => {
      expect(
        decideRetry(
          input({ retryAfterMs: 5_000, deadlineAt: NOW + 5_000 }),
          POLICY,
          new FixedRng(0),
        ),
      ).toEqual({ action: 'stop', reason: 'deadline' });
    });

    it('retries when the attempt would start just before the deadline', () => {
      expect(
        decideRetry(
          input({ retryAfterMs: 5_000, deadlineAt: NOW + 5_001 }),
          POLICY,
          new FixedRng(0),
        ),
      ).toEqual({ action: 'retry', delayMs: 5_000 });
    });

    it('checks the deadline against the jittered delay', () => {
      // u = 0.5 of ceiling 200 -> 100 ms: fits before NOW + 101, not before NOW + 100.
      expect(
        decideRetry(input({ retryIndex: 2, deadlineAt: NOW + 101 }), POLICY, new FixedRng(0.5)),
      ).toEqual({ action: 'retry', delayMs: 100 });
      expect(
        decideRetry(input({ retryIndex: 2, deadlineAt: NOW + 100 }), POLICY, new FixedRng(0.5)),
      ).toEqual({ action: 'stop', reason: 'deadline' });
    });

    it('stops at a deadline already passed even with no delay', () => {
      expect(decideRetry(input({ deadlineAt: NOW }), POLICY, new FixedRng(0))).toEqual({
        action: 'stop',
        reason: 'deadline',
      });
    });

    it('has no deadline when deadlineAt is Infinity', () => {
      expect(
        decideRetry(
          input({ retryAfterMs: 30_000, deadlineAt: Number.POSITIVE_INFINITY }),
          POLICY,
          new FixedRng(0),
        ),
      ).toEqual({ action: 'retry', delayMs: 30_000 });
    });

    it('keeps seeded delays within the backoff ceiling', () => {
      const rng = createSeededRng('decide');
      for (let retryIndex = 0; retryIndex < 8; retryIndex++) {
        const ceiling = Math.min(2_000, 50 * 2 ** retryIndex);
        for (let i = 0; i < 200; i++) {
          const decision = decideRetry(input({ retryIndex }), POLICY, rng);
          if (decision.action !== 'retry') throw new Error('expected a retry');
          expect(decision.delayMs).toBeGreaterThanOrEqual(0);
          expect(decision.delayMs).toBeLessThan(ceiling);
        }
      }
    });
  });

  describe('validation', () => {
    it.each<[string, Partial<RetryInput>]>([
      ['attemptsMade 0', { attemptsMade: 0 }],
      ['attemptsMade 1.5', { attemptsMade: 1.5 }],
      ['retryIndex -1', { retryIndex: -1 }],
      ['now NaN', { now: Number.NaN }],
      ['now Infinity', { now: Number.POSITIVE_INFINITY }],
      ['deadlineAt NaN', { deadlineAt: Number.NaN }],
      ['retryAfterMs -1', { retryAfterMs: -1 }],
      ['retryAfterMs NaN', { retryAfterMs: Number.NaN }],
    ])('rejects %s', (_label, overrides) => {
      expect(() => decideRetry(input(overrides), POLICY, new FixedRng(0))).toThrow(RangeError);
    });

    it.each<[string, Partial<RetryPolicyOptions>]>([
      ['maxAttempts 0', { maxAttempts: 0 }],
      ['maxAttempts 2.5', { maxAttempts: 2.5 }],
      ['maxRetryAfterMs -1', { maxRetryAfterMs: -1 }],
      ['maxRetryAfterMs NaN', { maxRetryAfterMs: Number.NaN }],
      ['backoff baseMs -1', { backoff: { baseMs: -1, capMs: 100 } }],
    ])('rejects options with %s', (_label, overrides) => {
      expect(() => decideRetry(input(), { ...POLICY, ...overrides }, new FixedRng(0))).toThrow(
        RangeError,
      );
    });
  });
});
