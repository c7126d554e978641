import type { RollupInput } from '../src/bandit/rollup-input.js';
import { emptyLatencyBuckets, latencyBucketIndex } from '../src/histogram/log-histogram.js';

/** What a test says about one minute of one deployment. */
export interface RollupSpec {
  readonly deploymentId?: string;
  readonly minute: number;
  readonly successes?: number;
  /** server_error attempts. */
  readonly failures?: number;
  /** caller_error attempts. */
  readonly callerErrors?: number;
  /** Latency of every success (ms). */
  readonly latencyMs?: number;
  readonly inputTokensPerCall?: number;
  readonly outputTokensPerCall?: number;
  readonly costPerSuccess?: number;
}

/** A minute rollup row with all successes at one latency. */
export function rollupRow(spec: RollupSpec): RollupInput {
  const successes = spec.successes ?? 0;
  const failures = spec.failures ?? 0;
  const callerErrors = spec.callerErrors ?? 0;
  const latency = spec.latencyMs ?? 1_000;
  const buckets = emptyLatencyBuckets();
  buckets[latencyBucketIndex(latency)] = successes;
  return {
    deploymentId: spec.deploymentId ?? 'a',
    minute: spec.minute,
    attempts: successes + failures + callerErrors,
    outcomes: { success: successes, server_error: failures, caller_error: callerErrors },
    latencySumMs: successes * latency,
    latencyBuckets: buckets,
    inputTokens: successes * (spec.inputTokensPerCall ?? 1_000),
    outputTokens: successes * (spec.outputTokensPerCall ?? 500),
    costMicroUsd: successes * (spec.costPerSuccess ?? 1_000),
  };
}

/**
 * Minute rows for `minutes` consecutive minutes ending just before `endMs` (the last row's
 * minute is endMs − 60 s), each from `perMinute(i)` where i counts from the oldest.
 */
export function rollupSeries(
  endMs: number,
  minutes: number,
  perMinute: (i: number, minute: number) => Omit<RollupSpec, 'minute'>,
): RollupInput[] {
  const rows: RollupInput[] = [];
  for (let i = 0; i < minutes; i++) {
    const minute = endMs - (minutes - i) * 60_000;
    rows.push(rollupRow({ ...perMinute(i, minute), minute }));
  }
  return rows;
}
