import type { Pool, PoolClient } from 'pg';
import type { AttemptRecord } from './call-record.js';
import { rollUp, type RollupRow } from './call-rollup.js';
import type { LedgerWriter } from './ledger-writer.js';

/**
 * One INSERT per batch whatever its size: every column travels as one array parameter and
 * `unnest` turns them back into rows, so a batch never nears Postgres' 65,535-parameter limit
 * and the statement text is constant (planned once per connection).
 */
const INSERT_RECORDS = `
INSERT INTO call_records (
  request_id, attempt, started_at, route, deployment_id, provider_id, api_key_id, outcome,
  http_status, error_type, latency_ms, ttft_ms, input_tokens, output_tokens, cost_micro_usd,
  propensity, snapshot_version, streamed)
SELECT * FROM unnest(
  $1::text[], $2::smallint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
  $8::text[], $9::smallint[], $10::text[], $11::integer[], $12::integer[], $13::integer[],
  $14::integer[], $15::bigint[], $16::double precision[], $17::bigint[], $18::boolean[])
ON CONFLICT DO NOTHING
RETURNING request_id, attempt`;

const SUM_BUCKETS = (column: string): string =>
  `(SELECT array_agg(a + b ORDER BY i) FROM unnest(call_rollups_minute.${column}, EXCLUDED.${column}) WITH ORDINALITY AS u(a, b, i))`;

const COUNTERS = [
  'attempts',
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

const UPSERT_ROLLUPS = `
INSERT INTO call_rollups_minute (
  minute, route, deployment_id, api_key_id, attempts, successes, caller_errors, rate_limited,
  server_errors, timeouts, connection_errors, malformed, misconfigured, interrupted, aborted,
  streamed, latency_sum_ms, latency_buckets, ttft_count, ttft_sum_ms, ttft_buckets,
  input_tokens, output_tokens, cost_micro_usd)
SELECT minute, route, deployment_id, api_key_id, attempts, successes, caller_errors, rate_limited,
  server_errors, timeouts, connection_errors, malformed, misconfigured, interrupted, aborted,
  streamed, latency_sum_ms, latency_buckets::integer[], ttft_count, ttft_sum_ms,
  ttft_buckets::integer[], input_tokens, output_tokens, cost_micro_usd
FROM unnest(
  $1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::integer[],
  $7::integer[], $8::integer[], $9::integer[], $10::integer[], $11::integer[], $12::integer[],
  $13::integer[], $14::integer[], $15::integer[], $16::integer[], $17::bigint[], $18::text[],
  $19::integer[], $20::bigint[], $21::text[], $22::bigint[], $23::bigint[], $24::bigint[])
  AS t(minute, route, deployment_id, api_key_id, attempts, successes, caller_errors, rate_limited,
    server_errors, timeouts, connection_errors, malformed, misconfigured, interrupted, aborted,
    streamed, latency_sum_ms, latency_buckets, ttft_count, ttft_sum_ms, ttft_buckets,
    input_tokens, output_tokens, cost_micro_usd)
ON CONFLICT (minute, route, deployment_id, api_key_id) DO UPDATE SET
  ${COUNTERS.map((c) => `${c} = call_rollups_minute.${c} + EXCLUDED.${c}`).join(',\n  ')},
  latency_buckets = ${SUM_BUCKETS('latency_buckets')},
  ttft_buckets = ${SUM_BUCKETS('ttft_buckets')}`;

function column<T>(records: readonly AttemptRecord[], pick: (r: AttemptRecord) => T): T[] {
  const out = new Array<T>(records.length);
  for (let i = 0; i < records.length; i++) out[i] = pick(records[i] as AttemptRecord);
  return out;
}

function rollupColumn<T>(rows: readonly RollupRow[], pick: (r: RollupRow) => T): T[] {
  return rows.map(pick);
}

const bucketLiteral = (buckets: readonly number[]): string => `{${buckets.join(',')}}`;

/**
 * Writes attempt records to `call_records` and their rollups to `call_rollups_minute` in one
 * transaction. Idempotent: records are keyed by (request_id, attempt, started_at), and only the
 * records this statement actually inserted are added to the rollups, so a replay never counts
 * twice.
 */
export class PostgresLedgerWriter implements LedgerWriter {
  constructor(private readonly pool: Pick<Pool, 'connect'>) {}

  async write(records: readonly AttemptRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const client = await this.pool.connect();
    let broken = false;
    // The pool stops listening for errors on a client it has handed out; a connection that
    // dies while checked out would otherwise be an unhandled 'error' event (a crash).
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const inserted = await this.insertRecords(client, records);
      const rows = rollUp(inserted).sort(
        (a, b) =>
          // A fixed lock order across replicas: no deadlocks between concurrent upserts.
          a.minute - b.minute ||
          compare(a.route, b.route) ||
          compare(a.deploymentId, b.deploymentId) ||
          compare(a.apiKeyId, b.apiKeyId),
      );
      if (rows.length > 0) await this.upsertRollups(client, rows);
      await client.query('COMMIT');
      return inserted.length;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone: do not return it to the pool
      }
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  private async insertRecords(
    client: PoolClient,
    records: readonly AttemptRecord[],
  ): Promise<AttemptRecord[]> {
    const result = await client.query<{ request_id: string; attempt: number }>(INSERT_RECORDS, [
      column(records, (r) => r.requestId),
      column(records, (r) => r.attempt),
      column(records, (r) => new Date(r.startedAt)),
      column(records, (r) => r.route),
      column(records, (r) => r.deploymentId),
      column(records, (r) => r.providerId),
      column(records, (r) => r.apiKeyId),
      column(records, (r) => r.outcome),
      column(records, (r) => r.httpStatus),
      column(records, (r) => r.errorType),
      column(records, (r) => r.latencyMs),
      column(records, (r) => r.ttftMs),
      column(records, (r) => r.inputTokens),
      column(records, (r) => r.outputTokens),
      column(records, (r) => r.costMicroUsd),
      column(records, (r) => r.propensity),
      column(records, (r) => r.snapshotVersion),
      column(records, (r) => r.streamed),
    ]);
    if (result.rows.length === records.length) return records as AttemptRecord[];
    // Each inserted key counts once, even if the batch carried a record twice.
    const inserted = new Set(result.rows.map((row) => `${row.request_id}\u0000${row.attempt}`));
    return records.filter((r) => inserted.delete(`${r.requestId}\u0000${r.attempt}`));
  }

  private async upsertRollups(client: PoolClient, rows: readonly RollupRow[]): Promise<void> {
    await client.query(UPSERT_ROLLUPS, [
      rollupColumn(rows, (r) => new Date(r.minute)),
      rollupColumn(rows, (r) => r.route),
      rollupColumn(rows, (r) => r.deploymentId),
      rollupColumn(rows, (r) => r.apiKeyId),
      rollupColumn(rows, (r) => r.attempts),
      rollupColumn(rows, (r) => r.outcomes.success),
      rollupColumn(rows, (r) => r.outcomes.caller_error),
      rollupColumn(rows, (r) => r.outcomes.rate_limited),
      rollupColumn(rows, (r) => r.outcomes.server_error),
      rollupColumn(rows, (r) => r.outcomes.timeout),
      rollupColumn(rows, (r) => r.outcomes.connection_error),
      rollupColumn(rows, (r) => r.outcomes.malformed),
      rollupColumn(rows, (r) => r.outcomes.misconfigured),
      rollupColumn(rows, (r) => r.outcomes.interrupted),
      rollupColumn(rows, (r) => r.outcomes.aborted),
      rollupColumn(rows, (r) => r.streamed),
      rollupColumn(rows, (r) => r.latencySumMs),
      rollupColumn(rows, (r) => bucketLiteral(r.latencyBuckets)),
      rollupColumn(rows, (r) => r.ttftCount),
      rollupColumn(rows, (r) => r.ttftSumMs),
      rollupColumn(rows, (r) => bucketLiteral(r.ttftBuckets)),
      rollupColumn(rows, (r) => r.inputTokens),
      rollupColumn(rows, (r) => r.outputTokens),
      rollupColumn(rows, (r) => r.costMicroUsd),
    ]);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
