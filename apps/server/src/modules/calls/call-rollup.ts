import { addBuckets, emptyLatencyBuckets, latencyBucketIndex } from '@stilts/routing';
import type { AttemptOutcome, AttemptRecord } from './call-record.js';

/**
 * One row of `call_rollups_minute` (or, coarsened, of `call_rollups_hour` / `_day`): what one
 * minute (hour, day) of one deployment of one route did for one key.
 */
export interface RollupRow {
  /** Start of the minute (or hour, or UTC day), ms since the epoch. */
  readonly minute: number;
  readonly route: string;
  readonly deploymentId: string;
  /** '' when the calls carried no API key. */
  readonly apiKeyId: string;
  attempts: number;
  /** Attempts with `attempt === 1`: requests that reached an upstream. */
  firstAttempts: number;
  /** Attempts per outcome. */
  readonly outcomes: Record<AttemptOutcome, number>;
  streamed: number;
  /** Latency of successful attempts only: their sum and histogram. */
  latencySumMs: number;
  readonly latencyBuckets: number[];
  ttftCount: number;
  ttftSumMs: number;
  readonly ttftBuckets: number[];
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
}

const MINUTE_MS = 60_000;

/** The additive columns of every rollup table (all but the bucket keys and the histograms). */
export const ROLLUP_COUNTERS: readonly string[] = [
  'attempts',
  'first_attempts',
  'successes',
  'caller_errors',
  'rate_limited',
  'server_errors',
  'timeouts',
  'connection_errors',
  'malformed',
  'misconfigured',
  'interrupted',
  'aborted',
  'streamed',
  'latency_sum_ms',
  'ttft_count',
  'ttft_sum_ms',
  'input_tokens',
  'output_tokens',
  'cost_micro_usd',
];

function zeroOutcomes(): Record<AttemptOutcome, number> {
  return {
    success: 0,
    caller_error: 0,
    rate_limited: 0,
    server_error: 0,
    timeout: 0,
    connection_error: 0,
    malformed: 0,
    misconfigured: 0,
    interrupted: 0,
    aborted: 0,
  };
}

/**
 * Aggregates attempt records into per-(minute, route, deployment, key) rollup increments.
 * Pure: the flusher upserts the result, adding it to what the minute already holds.
 */
export function rollUp(records: Iterable<AttemptRecord>): RollupRow[] {
  const rows: RollupRow[] = [];
  // minute -> route -> deployment -> key: no key string built per record.
  const index = new Map<number, Map<string, Map<string, Map<string, RollupRow>>>>();
  for (const r of records) {
    const minute = r.startedAt - (r.startedAt % MINUTE_MS);
    const apiKeyId = r.apiKeyId ?? '';
    const byKey = child(child(child(index, minute), r.route), r.deploymentId);
    let row = byKey.get(apiKeyId);
    if (!row) {
      row = {
        minute,
        route: r.route,
        deploymentId: r.deploymentId,
        apiKeyId,
        attempts: 0,
        firstAttempts: 0,
        outcomes: zeroOutcomes(),
        streamed: 0,
        latencySumMs: 0,
        latencyBuckets: emptyLatencyBuckets(),
        ttftCount: 0,
        ttftSumMs: 0,
        ttftBuckets: emptyLatencyBuckets(),
        inputTokens: 0,
        outputTokens: 0,
        costMicroUsd: 0,
      };
      byKey.set(apiKeyId, row);
      rows.push(row);
    }
    row.attempts++;
    if (r.attempt === 1) row.firstAttempts++;
    row.outcomes[r.outcome]++;
    if (r.streamed) row.streamed++;
    if (r.outcome === 'success') {
      row.latencySumMs += r.latencyMs;
      const i = latencyBucketIndex(r.latencyMs);
      row.latencyBuckets[i] = (row.latencyBuckets[i] as number) + 1;
    }
    if (r.ttftMs !== null) {
      row.ttftCount++;
      row.ttftSumMs += r.ttftMs;
      const i = latencyBucketIndex(r.ttftMs);
      row.ttftBuckets[i] = (row.ttftBuckets[i] as number) + 1;
    }
    row.inputTokens += r.inputTokens;
    row.outputTokens += r.outputTokens;
    row.costMicroUsd += r.costMicroUsd;
  }
  return rows;
}

/** The map under `key` in `parent`, created empty when missing. */
function child<K, V>(parent: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let map = parent.get(key);
  if (!map) {
    map = new Map();
    parent.set(key, map);
  }
  return map;
}

/** One hour and one UTC day, the coarser rollups' widths. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * Merges rollup rows into buckets of `unitMs` (an hour, a UTC day): the increments of
 * `call_rollups_hour` and `call_rollups_day`, from the minute increments of the same batch.
 * With `mergeKeys`, the rows of all API keys of a (bucket, route, deployment) are merged too
 * (their `apiKeyId` becomes ''): the increments of the `_by_deployment` tables.
 * Pure; counters and histograms add up exactly.
 */
export function coarsen(
  rows: readonly RollupRow[],
  unitMs: number,
  options: { readonly mergeKeys?: boolean } = {},
): RollupRow[] {
  const out = new Map<string, RollupRow>();
  for (const r of rows) {
    const start = r.minute - (r.minute % unitMs);
    const apiKeyId = options.mergeKeys ? '' : r.apiKeyId;
    const key = `${start}\u0000${r.route}\u0000${r.deploymentId}\u0000${apiKeyId}`;
    const row = out.get(key);
    if (!row) {
      out.set(key, {
        ...r,
        minute: start,
        apiKeyId,
        outcomes: { ...r.outcomes },
        latencyBuckets: [...r.latencyBuckets],
        ttftBuckets: [...r.ttftBuckets],
      });
      continue;
    }
    row.attempts += r.attempts;
    row.firstAttempts += r.firstAttempts;
    for (const k of Object.keys(r.outcomes) as AttemptOutcome[]) row.outcomes[k] += r.outcomes[k];
    row.streamed += r.streamed;
    row.latencySumMs += r.latencySumMs;
    addBuckets(row.latencyBuckets, r.latencyBuckets);
    row.ttftCount += r.ttftCount;
    row.ttftSumMs += r.ttftSumMs;
    addBuckets(row.ttftBuckets, r.ttftBuckets);
    row.inputTokens += r.inputTokens;
    row.outputTokens += r.outputTokens;
    row.costMicroUsd += r.costMicroUsd;
  }
  return [...out.values()];
}
