import type { Rng } from '../rng.js';
import { DEFAULT_BACKOFF, fullJitterBackoff, type BackoffOptions } from './backoff.js';
import { classifyFailure, type UpstreamFailure } from './classify-failure.js';

/** Limits of the attempt loop of one request. */
export interface RetryPolicyOptions {
  /** Attempts per request, the first included (integer >= 1). */
  maxAttempts: number;
  /** Waits before re-trying the same deployment. */
  backoff: BackoffOptions;
  /** a Retry-After longer than this is not waited for (default 30_000) */
  maxRetryAfterMs: number;
}

/** 3 attempts, {@link DEFAULT_BACKOFF}, and Retry-After honoured up to 30 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = Object.freeze({
  maxAttempts: 3,
  backoff: DEFAULT_BACKOFF,
  maxRetryAfterMs: 30_000,
});

/** What the attempt loop should do after a failed attempt. */
export type RetryDecision =
  | { readonly action: 'retry'; readonly delayMs: number }
  | {
      readonly action: 'stop';
      readonly reason: 'not-retryable' | 'max-attempts' | 'deadline' | 'retry-after-too-long';
    };

/** The facts {@link decideRetry} decides on. */
export interface RetryInput {
  /** How the attempt failed. */
  failure: UpstreamFailure;
  /** attempts including the failed one (integer >= 1) */
  attemptsMade: number;
  /** ms */
  now: number;
  /** absolute ms: no attempt may start at or after this (Infinity: no deadline) */
  deadlineAt: number;
  /** parsed from the failed response, if any */
  retryAfterMs?: number;
  /** next attempt goes to the same deployment that just failed */
  sameTarget: boolean;
  /** how many backoff waits have happened so far in this request (integer >= 0) */
  retryIndex: number;
}

function stop(
  reason: 'not-retryable' | 'max-attempts' | 'deadline' | 'retry-after-too-long',
): RetryDecision {
  return { action: 'stop', reason };
}

function validate(input: RetryInput, options: RetryPolicyOptions): void {
  const { attemptsMade, now, deadlineAt, retryAfterMs, retryIndex } = input;
  if (!Number.isSafeInteger(attemptsMade) || attemptsMade < 1) {
    throw new RangeError(`attemptsMade must be an integer >= 1, got ${attemptsMade}`);
  }
  if (!Number.isSafeInteger(retryIndex) || retryIndex < 0) {
    throw new RangeError(`retryIndex must be an integer >= 0, got ${retryIndex}`);
  }
  if (!Number.isFinite(now)) throw new RangeError(`now must be finite, got ${now}`);
  if (Number.isNaN(deadlineAt)) throw new RangeError('deadlineAt must not be NaN');
  if (retryAfterMs !== undefined && !(retryAfterMs >= 0)) {
    throw new RangeError(`retryAfterMs must be >= 0, got ${retryAfterMs}`);
  }
  if (!Number.isSafeInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be an integer >= 1, got ${options.maxAttempts}`);
  }
  if (!(options.maxRetryAfterMs >= 0)) {
    throw new RangeError(`maxRetryAfterMs must be >= 0, got ${options.maxRetryAfterMs}`);
  }
}

/**
 * Decides whether a failed attempt is followed by another, and after what delay. In order:
 *
 * 1. A `caller` failure stops (`not-retryable`); so does a `misconfigured` one when the next
 *    attempt would go to the same deployment (it may only fail over).
 * 2. attemptsMade >= maxAttempts stops (`max-attempts`).
 * 3. Failover (next attempt on a different deployment): delay 0, since the failed deployment's
 *    Retry-After says nothing about the others. Stops (`deadline`) if now >= deadlineAt.
 * 4. Same deployment: a Retry-After above maxRetryAfterMs stops (`retry-after-too-long`);
 *    otherwise
 *
 *        delayMs = max(fullJitterBackoff(retryIndex), retryAfterMs ?? 0)
 *
 *    and the attempt would start at now + delayMs, so now + delayMs >= deadlineAt stops
 *    (`deadline`).
 *
 * Randomness: exactly one `rng.next()` when step 4 computes a delay, none otherwise.
 *
 * @throws RangeError on invalid numbers (see {@link RetryInput}) or an invalid HTTP status.
 */
export function decideRetry(
  input: RetryInput,
  options: RetryPolicyOptions,
  rng: Rng,
): RetryDecision {
  validate(input, options);
  const failureClass = classifyFailure(input.failure);
  if (failureClass === 'caller') return stop('not-retryable');
  if (failureClass === 'misconfigured' && input.sameTarget) return stop('not-retryable');
  if (input.attemptsMade >= options.maxAttempts) return stop('max-attempts');

  if (!input.sameTarget) {
    return input.now >= input.deadlineAt ? stop('deadline') : { action: 'retry', delayMs: 0 };
  }
  const retryAfterMs = input.retryAfterMs ?? 0;
  if (retryAfterMs > options.maxRetryAfterMs) return stop('retry-after-too-long');
  const delayMs = Math.max(fullJitterBackoff(input.retryIndex, options.backoff, rng), retryAfterMs);
  return input.now + delayMs >= input.deadlineAt ? stop('deadline') : { action: 'retry', delayMs };
}
