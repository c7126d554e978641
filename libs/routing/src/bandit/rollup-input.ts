import {
  LATENCY_BUCKET_BOUNDS_MS,
  LATENCY_BUCKET_COUNT,
  countAtOrBelow,
} from '../histogram/log-histogram.js';
import type { LedgerOutcome } from './ledger-outcome.js';

/** Length of a ledger rollup row: one minute. */
export const ROLLUP_MINUTE_MS = 60_000;

/**
 * One rollup row of one deployment: what its attempts did during one interval. A
 * `call_rollups_minute` row fits as is (the server's `RollupRow` is assignable to it); so does
 * any coarser pre-aggregate (e.g. 5-minute sums from SQL) with `durationMs` set.
 *
 * Several rows may share a (deployment, minute), e.g. one per API key; they are added up.
 */
export interface RollupInput {
  readonly deploymentId: string;
  /** Start of the interval, ms since the epoch (the ledger's `minute`). */
  readonly minute: number;
  /** Length of the interval in ms (default {@link ROLLUP_MINUTE_MS}). */
  readonly durationMs?: number;
  /** Attempts of any outcome. */
  readonly attempts: number;
  /** Attempts per outcome; missing outcomes count 0. */
  readonly outcomes: Readonly<Partial<Record<LedgerOutcome, number>>>;
  /** Latency of successful attempts: sum (ms) ... */
  readonly latencySumMs: number;
  /** ... and histogram over `LATENCY_BUCKET_BOUNDS_MS` (length `LATENCY_BUCKET_COUNT`). */
  readonly latencyBuckets: readonly number[];
  /** Tokens of all attempts, billed failures included. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Spend in integer micro-USD at the prices of the time. */
  readonly costMicroUsd: number;
}

/** The numbers of one row the bandit uses, classified by what they say about the deployment. */
export interface RollupCounts {
  /** `success` attempts. */
  readonly successes: number;
  /** Attempts that failed for the deployment's reasons (see `outcomeKind`). */
  readonly failures: number;
  /** `caller_error` + `aborted`: not the deployment's fault. */
  readonly neutral: number;
  /**
   * Successful attempts within the latency SLO, read from the histogram with `countAtOrBelow`
   * (linear interpolation inside the bucket that holds the SLO, so it may be fractional).
   */
  readonly fast: number;
}

/** Counts the successes of a latency histogram that fall within an SLO. */
export type WithinSloCounter = (latencyBuckets: readonly number[]) => number;

/**
 * `countAtOrBelow(buckets, sloMs)` with the bucket search done once: the first k buckets
 * (bounds <= SLO) count whole, the one holding the SLO counts the fraction
 * (SLO − lower) / (upper − lower), the overflow bucket never. Same sums in the same order, so
 * the result is identical; the job calls it on every row it reads.
 *
 * @throws RangeError if sloMs is not a finite number > 0.
 */
export function withinSloCounter(latencySloMs: number): WithinSloCounter {
  if (!(Number.isFinite(latencySloMs) && latencySloMs > 0)) {
    throw new RangeError(`latencySloMs must be a finite number > 0, got ${latencySloMs}`);
  }
  const bounds = LATENCY_BUCKET_BOUNDS_MS;
  let whole = 0;
  while (whole < bounds.length && bounds[whole]! <= latencySloMs) whole++;
  const upper = bounds[whole];
  const lower = whole === 0 ? 0 : bounds[whole - 1]!;
  const partial =
    upper !== undefined && latencySloMs > lower ? (latencySloMs - lower) / (upper - lower) : 0;
  return (buckets) => {
    let within = 0;
    for (let i = 0; i < whole; i++) within += buckets[i]!;
    if (partial > 0) within += buckets[whole]! * partial;
    return within;
  };
}

function invalid(row: RollupInput, name: string, value: unknown): never {
  throw new RangeError(
    `rollup of ${row.deploymentId} at ${row.minute}: ${name} must be a finite number >= 0, got ${String(value)}`,
  );
}

/** A count that must be finite and >= 0 (the negated test also rejects NaN). */
function count(row: RollupInput, name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!(value >= 0 && value < Infinity)) invalid(row, name, value);
  return value;
}

/**
 * Reads one row:
 *
 *     successes = n_success
 *     failures  = Σ n_o over o ∉ {success, caller_error, aborted}
 *     neutral   = n_caller_error + n_aborted
 *     fast      = countAtOrBelow(latencyBuckets, sloMs)    (clamped to [0, successes])
 *
 * `latencySlo` is the SLO in ms or a {@link withinSloCounter} made from it (faster).
 *
 * @throws RangeError if a count, token number, cost or latency sum is negative or not finite,
 *   the minute or duration is not finite (duration must be > 0), or the histogram has the wrong
 *   length.
 */
export function readRollupCounts(
  row: RollupInput,
  latencySlo: number | WithinSloCounter,
): RollupCounts {
  if (!Number.isFinite(row.minute)) {
    throw new RangeError(`rollup of ${row.deploymentId}: minute must be finite, got ${row.minute}`);
  }
  if (row.durationMs !== undefined && !(Number.isFinite(row.durationMs) && row.durationMs > 0)) {
    throw new RangeError(
      `rollup of ${row.deploymentId} at ${row.minute}: durationMs must be > 0, got ${row.durationMs}`,
    );
  }
  if (row.latencyBuckets.length !== LATENCY_BUCKET_COUNT) {
    throw new RangeError(
      `rollup of ${row.deploymentId} at ${row.minute}: expected ${LATENCY_BUCKET_COUNT} latency buckets, got ${row.latencyBuckets.length}`,
    );
  }
  count(row, 'attempts', row.attempts);
  count(row, 'latencySumMs', row.latencySumMs);
  count(row, 'inputTokens', row.inputTokens);
  count(row, 'outputTokens', row.outputTokens);
  count(row, 'costMicroUsd', row.costMicroUsd);
  const o = row.outcomes;
  const successes = count(row, 'success', o.success);
  // Spelled out (not a loop over FAILURE_OUTCOMES): the job reads ~10^5 rows per run and
  // monomorphic property reads are several times faster than keyed ones.
  const failures =
    count(row, 'rate_limited', o.rate_limited) +
    count(row, 'server_error', o.server_error) +
    count(row, 'timeout', o.timeout) +
    count(row, 'connection_error', o.connection_error) +
    count(row, 'malformed', o.malformed) +
    count(row, 'misconfigured', o.misconfigured) +
    count(row, 'interrupted', o.interrupted);
  const neutral = count(row, 'caller_error', o.caller_error) + count(row, 'aborted', o.aborted);
  // The histogram counts successes only; clamp so rounding in a pre-aggregate cannot make
  // "fast" exceed the successes it is a subset of.
  const within =
    typeof latencySlo === 'number'
      ? countAtOrBelow(row.latencyBuckets, latencySlo)
      : latencySlo(row.latencyBuckets);
  const fast = Math.max(0, Math.min(successes, within));
  return { successes, failures, neutral, fast };
}
