import { emptyLatencyBuckets, latencyBucketIndex } from '@stilts/routing';
import type { AttemptOutcome, AttemptRecord } from './call-record.js';

/** One row of `call_rollups_minute`: what one minute of one deployment of one route did. */
export interface RollupRow {
  /** Start of the minute, ms since the epoch (UTC). */
  readonly minute: number;
  readonly route: string;
  readonly deploymentId: string;
  /** '' when the calls carried no API key. */
  readonly apiKeyId: string;
  attempts: number;
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
  const rows = new Map<string, RollupRow>();
  for (const r of records) {
    const minute = r.startedAt - (r.startedAt % MINUTE_MS);
    const apiKeyId = r.apiKeyId ?? '';
    const key = `${minute}\u0000${r.route}\u0000${r.deploymentId}\u0000${apiKeyId}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        minute,
        route: r.route,
        deploymentId: r.deploymentId,
        apiKeyId,
        attempts: 0,
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
      rows.set(key, row);
    }
    row.attempts++;
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
  return [...rows.values()];
}
