import type { Rng } from '../rng.js';

/** Exponential backoff bounds, in ms. */
export interface BackoffOptions {
  /** Ceiling of the first wait (>= 0). */
  baseMs: number;
  /** No wait is ever this long or longer (>= 0). */
  capMs: number;
}

/** 50 ms base, 2 s cap: waits are short because the gateway usually fails over instead. */
export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({ baseMs: 50, capMs: 2_000 });

/**
 * The upper bound of the `retryIndex`-th wait: min(capMs, baseMs · 2^retryIndex).
 *
 * @throws RangeError if retryIndex is not an integer >= 0 or an option is negative or not finite.
 */
export function backoffCeilingMs(retryIndex: number, options: BackoffOptions): number {
  if (!Number.isSafeInteger(retryIndex) || retryIndex < 0) {
    throw new RangeError(`retryIndex must be an integer >= 0, got ${retryIndex}`);
  }
  const { baseMs, capMs } = options;
  if (!Number.isFinite(baseMs) || baseMs < 0 || !Number.isFinite(capMs) || capMs < 0) {
    throw new RangeError(
      `backoff baseMs and capMs must be finite and >= 0, got ${baseMs}, ${capMs}`,
    );
  }
  // 0 · ∞ would be NaN once 2^retryIndex overflows.
  return baseMs === 0 ? 0 : Math.min(capMs, baseMs * 2 ** retryIndex);
}

/**
 * "Full jitter" backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 *
 *     delay = u · min(capMs, baseMs · 2^retryIndex),   u ~ Uniform[0, 1)
 *
 * so the delay is uniform in [0, ceiling). Spreading the whole interval, rather than adding a
 * little noise to a fixed wait, is what keeps many clients from retrying in lock-step.
 *
 * @param retryIndex 0 for the first wait of a request, 1 for the second, ...
 * @returns milliseconds (not rounded); exactly one `rng.next()` is drawn.
 * @throws RangeError as {@link backoffCeilingMs}.
 */
export function fullJitterBackoff(retryIndex: number, options: BackoffOptions, rng: Rng): number {
  const ceiling = backoffCeilingMs(retryIndex, options);
  return rng.next() * ceiling;
}
