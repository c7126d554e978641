import type { WindowBucket } from './circuit-state.js';

/** The window shape a {@link CircuitBreaker} uses: total length and number of buckets. */
export interface WindowShape {
  readonly windowMs: number;
  readonly windowBuckets: number;
}

/** Outcome totals over a window. */
export interface WindowCounts {
  readonly successes: number;
  readonly failures: number;
  /** successes + failures */
  readonly calls: number;
}

/**
 * Drops buckets that lie wholly before the window (now − windowMs, now]: a bucket is kept while
 * `start + windowMs > now`. With aligned buckets of width b = windowMs / windowBuckets this keeps
 * the current bucket and the windowBuckets − 1 before it, so the window covers between
 * windowMs − b and windowMs of history.
 *
 * @returns the same array when nothing is evicted (no allocation), else a new frozen array.
 */
export function evictExpiredBuckets(
  window: readonly WindowBucket[],
  now: number,
  windowMs: number,
): readonly WindowBucket[] {
  let firstKept = 0;
  while (firstKept < window.length && window[firstKept]!.start + windowMs <= now) firstKept++;
  return firstKept === 0 ? window : Object.freeze(window.slice(firstKept));
}

/**
 * Records one outcome at `now`: evicts expired buckets, then adds to the bucket starting at
 * ⌊now / b⌋ · b (b = windowMs / windowBuckets), creating it if needed. If the clock stepped back
 * behind the newest bucket, the outcome goes into the newest bucket so starts stay increasing.
 *
 * @returns a new frozen window; the input is not modified.
 */
export function recordInWindow(
  window: readonly WindowBucket[],
  now: number,
  shape: WindowShape,
  outcome: 'success' | 'failure',
): readonly WindowBucket[] {
  const live = evictExpiredBuckets(window, now, shape.windowMs);
  const width = shape.windowMs / shape.windowBuckets;
  const start = Math.floor(now / width) * width;
  const last = live[live.length - 1];
  const success = outcome === 'success' ? 1 : 0;
  if (last !== undefined && last.start >= start) {
    const updated = Object.freeze({
      start: last.start,
      successes: last.successes + success,
      failures: last.failures + 1 - success,
    });
    return Object.freeze([...live.slice(0, -1), updated]);
  }
  return Object.freeze([
    ...live,
    Object.freeze({ start, successes: success, failures: 1 - success }),
  ]);
}

/** Sums the buckets of a window. */
export function windowCounts(window: readonly WindowBucket[]): WindowCounts {
  let successes = 0;
  let failures = 0;
  for (const bucket of window) {
    successes += bucket.successes;
    failures += bucket.failures;
  }
  return { successes, failures, calls: successes + failures };
}
