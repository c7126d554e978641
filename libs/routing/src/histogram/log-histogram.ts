/**
 * Upper bounds (inclusive, in ms) of the latency histogram buckets stored in the call ledger's
 * rollups. A 1-1.5-2-3-5-7 series: each bucket is about 1.4-1.5x wider than the one before, so
 * any quantile read back is within one bucket (at most ~50% relative error, usually far less
 * after interpolation) from 1 ms to 10 minutes, in 32 buckets. The last bucket is unbounded.
 *
 * Changing these bounds changes the meaning of stored rollups: add a new column instead.
 */
export const LATENCY_BUCKET_BOUNDS_MS: readonly number[] = Object.freeze([
  1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1_000, 1_500, 2_000, 3_000,
  5_000, 7_000, 10_000, 15_000, 20_000, 30_000, 50_000, 70_000, 100_000, 300_000, 600_000,
]);

/** Number of buckets: one per bound plus the overflow bucket. */
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_MS.length + 1;

/**
 * Index of the bucket a latency falls in: the first bound >= `ms`, or the overflow bucket.
 * Binary search: O(log n), no allocation.
 */
export function latencyBucketIndex(ms: number): number {
  if (!(ms >= 0)) throw new RangeError(`latency must be >= 0, got ${ms}`);
  const bounds = LATENCY_BUCKET_BOUNDS_MS;
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((bounds[mid] as number) >= ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A zeroed bucket array. */
export function emptyLatencyBuckets(): number[] {
  return new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
}

/** Adds `b` into `a` in place (equal lengths required). */
export function addBuckets(a: number[], b: readonly number[]): number[] {
  if (a.length !== b.length)
    throw new RangeError(`bucket lengths differ: ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) + (b[i] as number);
  return a;
}

/**
 * Estimates the q-quantile (0 < q <= 1) of the distribution a histogram counts, by linear
 * interpolation inside the bucket that holds rank `q * total`:
 *
 *   value = lower + (upper - lower) * (rank - countBelow) / countInBucket
 *
 * where `lower` is the previous bound (0 for the first bucket). The overflow bucket has no
 * upper bound, so a quantile that lands there reports the last finite bound. Returns null for
 * an empty histogram.
 */
export function quantileFromBuckets(buckets: readonly number[], q: number): number | null {
  if (!(q > 0 && q <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${q}`);
  let total = 0;
  for (const c of buckets) total += c;
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i] as number;
    if (count > 0 && below + count >= rank) {
      const bounds = LATENCY_BUCKET_BOUNDS_MS;
      const upper = bounds[i];
      const lower = i === 0 ? 0 : (bounds[i - 1] as number);
      if (upper === undefined) return lower;
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return LATENCY_BUCKET_BOUNDS_MS[LATENCY_BUCKET_BOUNDS_MS.length - 1] as number;
}

/**
 * Fraction of the counted values that are <= `thresholdMs`, reading whole buckets up to the
 * one that contains the threshold and interpolating linearly inside it. Used for "within the
 * latency SLO" rates. Returns null for an empty histogram.
 */
export function fractionAtOrBelow(buckets: readonly number[], thresholdMs: number): number | null {
  let total = 0;
  for (const c of buckets) total += c;
  if (total === 0) return null;
  return countAtOrBelow(buckets, thresholdMs) / total;
}

/** Like {@link fractionAtOrBelow} but returns the (interpolated) count instead of a fraction. */
export function countAtOrBelow(buckets: readonly number[], thresholdMs: number): number {
  const bounds = LATENCY_BUCKET_BOUNDS_MS;
  let within = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i] as number;
    const upper = bounds[i];
    const lower = i === 0 ? 0 : (bounds[i - 1] as number);
    if (upper !== undefined && upper <= thresholdMs) {
      within += count;
      continue;
    }
    if (thresholdMs > lower && upper !== undefined)
      within += (count * (thresholdMs - lower)) / (upper - lower);
    break;
  }
  return within;
}
