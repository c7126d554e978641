import { emptyLatencyBuckets, latencyBucketIndex } from '@stilts/routing';
import type pg from 'pg';

/** Minute rollups of one deployment's traffic, for seeding the weights job's input. */
export interface SeedTraffic {
  readonly route: string;
  readonly deploymentId: string;
  /** Minutes back from `nowMs` to cover (one row per minute). */
  readonly minutes: number;
  readonly callsPerMinute: number;
  readonly successRate: number;
  readonly latencyMs: number;
  readonly costPerCallMicroUsd: number;
}

/** Inserts `call_rollups_minute` rows describing `traffic` (successes at `latencyMs`). */
export async function seedRollups(
  sql: <T extends pg.QueryResultRow>(text: string, params?: unknown[]) => Promise<T[]>,
  traffic: readonly SeedTraffic[],
  nowMs: number,
): Promise<void> {
  for (const t of traffic) {
    const successes = Math.round(t.callsPerMinute * t.successRate);
    const buckets = emptyLatencyBuckets();
    buckets[latencyBucketIndex(t.latencyMs)] = successes;
    const minuteNow = nowMs - (nowMs % 60_000);
    for (let i = 1; i <= t.minutes; i++) {
      await sql(
        `INSERT INTO call_rollups_minute (minute, route, deployment_id, attempts, successes,
           server_errors, latency_sum_ms, latency_buckets, ttft_buckets, input_tokens,
           output_tokens, cost_micro_usd)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          new Date(minuteNow - i * 60_000),
          t.route,
          t.deploymentId,
          t.callsPerMinute,
          successes,
          t.callsPerMinute - successes,
          successes * t.latencyMs,
          `{${buckets.join(',')}}`,
          `{${emptyLatencyBuckets().join(',')}}`,
          successes * 500,
          successes * 200,
          successes * t.costPerCallMicroUsd,
        ],
      );
    }
  }
}
