import { LATENCY_BUCKET_COUNT } from '@stilts/routing';
import type { Pool, PoolClient } from 'pg';
import type { AttemptRecord, RecordedPlan } from './call-record.js';
import {
  coarsen,
  DAY_MS,
  HOUR_MS,
  ROLLUP_COUNTERS,
  rollUp,
  type RollupRow,
} from './call-rollup.js';
import { LedgerHooks } from './ledger-hooks.js';
import type { LedgerWriter } from './ledger-writer.js';

/**
 * A timestamptz from milliseconds since the epoch, exactly (integer arithmetic): timestamps
 * travel as numbers, which costs the writer nothing, where formatting each as ISO text did.
 */
const EPOCH_MS = (column: string): string =>
  `timestamptz 'epoch' + ${column} * interval '1 millisecond'`;

/**
 * One INSERT per batch whatever its size: every column travels as one array parameter and
 * `unnest` turns them back into rows, so a batch never nears Postgres' 65,535-parameter limit
 * and the statement text is constant: a named prepared statement, parsed and planned once per
 * connection (as are the rollup upserts).
 *
 * It answers with one row: how many records it inserted and, only when that is fewer than the
 * batch (`$20`: a replay, or a record given twice), which ones. A row per inserted record, as
 * `RETURNING` alone gives, had the pg driver parse a thousand rows per flush that nearly always
 * said "all of them".
 */
const INSERT_RECORDS = `
WITH inserted AS (
INSERT INTO call_records (
  request_id, attempt, started_at, route, deployment_id, provider_id, api_key_id, outcome,
  http_status, error_type, latency_ms, ttft_ms, input_tokens, output_tokens, cost_micro_usd,
  propensity, snapshot_version, streamed, plan)
SELECT request_id, attempt, ${EPOCH_MS('started_ms')}, route, deployment_id, provider_id,
  api_key_id, outcome, http_status, error_type, latency_ms, ttft_ms, input_tokens, output_tokens,
  cost_micro_usd, propensity, snapshot_version, streamed, plan
FROM unnest(
  $1::text[], $2::smallint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
  $8::text[], $9::smallint[], $10::text[], $11::integer[], $12::integer[], $13::integer[],
  $14::integer[], $15::bigint[], $16::double precision[], $17::bigint[], $18::boolean[],
  $19::jsonb[])
  AS t(request_id, attempt, started_ms, route, deployment_id, provider_id, api_key_id, outcome,
    http_status, error_type, latency_ms, ttft_ms, input_tokens, output_tokens, cost_micro_usd,
    propensity, snapshot_version, streamed, plan)
ON CONFLICT DO NOTHING
RETURNING request_id, attempt)
SELECT count(*)::integer AS inserted,
  CASE WHEN count(*) < $20::integer THEN array_agg(request_id) END AS request_ids,
  CASE WHEN count(*) < $20::integer THEN array_agg(attempt) END AS attempts
FROM inserted`;

/**
 * Element-wise sum of the stored and the incoming histogram, written out bucket by bucket: a
 * plain expression, where a subquery over `unnest ... WITH ORDINALITY` would run (and sort) once
 * per updated row.
 */
const SUM_BUCKETS = (table: string, column: string): string => {
  const sums = Array.from(
    { length: LATENCY_BUCKET_COUNT },
    (_, i) => `${table}.${column}[${i + 1}] + EXCLUDED.${column}[${i + 1}]`,
  );
  return `ARRAY[${sums.join(', ')}]`;
};

/**
 * The rollup upsert into `table`, whose bucket-start column is `time` (minute, hour, day);
 * `keyed` tables have an `api_key_id` column, the `_by_deployment` ones merge all keys (the
 * statement then leaves `$4` unused, so every level takes the same parameters).
 */
const upsertRollups = (table: string, time: string, keyed: boolean): string => `
INSERT INTO ${table} (
  ${time}, route, deployment_id,${keyed ? ' api_key_id,' : ''} attempts, first_attempts, successes,
  caller_errors, rate_limited, server_errors, timeouts, connection_errors, malformed,
  misconfigured, interrupted, aborted, streamed, latency_sum_ms, latency_buckets, ttft_count,
  ttft_sum_ms, ttft_buckets, input_tokens, output_tokens, cost_micro_usd)
SELECT ${EPOCH_MS('bucket_ms')}, route, deployment_id,${keyed ? ' api_key_id,' : ''} attempts, first_attempts,
  successes, caller_errors, rate_limited, server_errors, timeouts, connection_errors, malformed,
  misconfigured, interrupted, aborted, streamed, latency_sum_ms, latency_buckets::integer[],
  ttft_count, ttft_sum_ms, ttft_buckets::integer[], input_tokens, output_tokens, cost_micro_usd
FROM unnest(
  $1::bigint[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::integer[],
  $7::integer[], $8::integer[], $9::integer[], $10::integer[], $11::integer[], $12::integer[],
  $13::integer[], $14::integer[], $15::integer[], $16::integer[], $17::integer[], $18::bigint[],
  $19::text[], $20::integer[], $21::bigint[], $22::text[], $23::bigint[], $24::bigint[],
  $25::bigint[])
  AS t(bucket_ms, route, deployment_id, api_key_id, attempts, first_attempts, successes,
    caller_errors, rate_limited, server_errors, timeouts, connection_errors, malformed,
    misconfigured, interrupted, aborted, streamed, latency_sum_ms, latency_buckets, ttft_count,
    ttft_sum_ms, ttft_buckets, input_tokens, output_tokens, cost_micro_usd)
ON CONFLICT (${time}, route, deployment_id${keyed ? ', api_key_id' : ''}) DO UPDATE SET
  ${ROLLUP_COUNTERS.map((c) => `${c} = ${table}.${c} + EXCLUDED.${c}`).join(',\n  ')},
  latency_buckets = ${SUM_BUCKETS(table, 'latency_buckets')},
  ttft_buckets = ${SUM_BUCKETS(table, 'ttft_buckets')}`;

interface RollupLevel {
  /** The prepared statement's name. */
  readonly name: string;
  readonly sql: string;
  /** The level's rows from the batch's minute rows. */
  readonly of: (minutes: readonly RollupRow[]) => RollupRow[];
}

const level = (table: string, time: string, unitMs: number, keyed: boolean): RollupLevel => ({
  name: `ledger_${table}`,
  sql: upsertRollups(table, time, keyed),
  of: (minutes) =>
    unitMs === 0 && keyed ? [...minutes] : coarsen(minutes, unitMs, { mergeKeys: !keyed }),
});

/**
 * The rollup levels, each upserted by the same flush: minute rows for the weights job and short
 * charts; hour and day rows so that week- and month-long charts read few rows, per key and
 * (`_by_deployment`) over all keys, for the charts that do not split by key. Each statement is
 * prepared under its `name` on every pooled connection that runs it. The order of this list is
 * the order in which every flush takes the rows' locks.
 */
const ROLLUP_LEVELS: readonly RollupLevel[] = [
  level('call_rollups_minute', 'minute', 0, true),
  level('call_rollups_hour', 'hour', HOUR_MS, true),
  level('call_rollups_day', 'day', DAY_MS, true),
  level('call_rollups_hour_by_deployment', 'hour', HOUR_MS, false),
  level('call_rollups_day_by_deployment', 'day', DAY_MS, false),
];

/**
 * A column as a PostgreSQL array literal (`{"a","b",NULL}`), encoded here rather than by the pg
 * driver, which prepares, type-checks and escapes every element (and formats each Date in the
 * local time zone): on the hot write path that was most of the recorder's CPU.
 */
type Scalar = string | number | boolean | null;

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/**
 * A value the ledger cannot store (a number that is not finite). It carries SQLSTATE 22P02, as
 * PostgreSQL's own refusal of such a value would, so that the recorder treats it as refused data:
 * it bisects the batch, writes the other records and sets this one aside, where a plain error
 * would count as an outage and have the batch retried forever.
 */
export class LedgerDataError extends Error {
  readonly code = '22P02';
}

function element(value: Scalar): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new LedgerDataError(`cannot record a non-finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPED, '\\$&')}"` : `"${value}"`;
}

export function arrayLiteral<R>(rows: readonly R[], pick: (row: R) => Scalar): string {
  let out = '{';
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) out += ',';
    out += element(pick(rows[i] as R));
  }
  return `${out}}`;
}

/**
 * A string as a JSON string literal (quotes included), escaped again to sit inside an array
 * element.
 */
const jsonInArray = new Map<string, string>();
function jsonStringInArray(value: string): string {
  let out = jsonInArray.get(value);
  if (out === undefined) {
    out = JSON.stringify(value).replace(ESCAPED, '\\$&');
    // Deployment ids and exclusion reasons: a handful. The bound only guards the unexpected.
    if (jsonInArray.size >= 10_000) jsonInArray.clear();
    jsonInArray.set(value, out);
  }
  return out;
}

const jsonNumber = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/**
 * The `plan` column: each plan as the array element of its JSON text, written out directly
 * (what `JSON.stringify` and then escaping would give, without either pass over the text).
 */
export function planColumn(records: readonly AttemptRecord[]): string {
  let out = '{';
  for (let i = 0; i < records.length; i++) {
    if (i > 0) out += ',';
    const plan = (records[i] as AttemptRecord).plan;
    if (!plan) {
      out += 'NULL';
      continue;
    }
    out += '"{\\"c\\":[';
    for (let j = 0; j < plan.c.length; j++) {
      const [id, weight, probability] = plan.c[j] as RecordedPlan['c'][number];
      out += `${j > 0 ? ',' : ''}[${jsonStringInArray(id)},${jsonNumber(weight)},${jsonNumber(probability)}]`;
    }
    out += '],\\"x\\":[';
    for (let j = 0; j < plan.x.length; j++) {
      const [id, reason] = plan.x[j] as RecordedPlan['x'][number];
      out += `${j > 0 ? ',' : ''}[${jsonStringInArray(id)},${jsonStringInArray(reason)}]`;
    }
    out += ']}"';
  }
  return `${out}}`;
}

const bucketLiteral = (buckets: readonly number[]): string => `{${buckets.join(',')}}`;

/** Each of `picks` over `rows`, as array literals. */
function columnsOf<R>(rows: readonly R[], picks: readonly ((row: R) => Scalar)[]): string[] {
  const out: string[] = [];
  for (const pick of picks) out.push(arrayLiteral(rows, pick));
  return out;
}

// The columns of the two statements, in parameter order, as functions made once. Arrow
// functions written inline in the query would be new closures on every flush, and V8 kept
// optimising them anew: ~10 TurboFan compilations a second under steady load.

/** `INSERT_RECORDS`' columns before the plan. */
const RECORD_COLUMNS: readonly ((r: AttemptRecord) => Scalar)[] = [
  (r) => r.requestId,
  (r) => r.attempt,
  (r) => r.startedAt,
  (r) => r.route,
  (r) => r.deploymentId,
  (r) => r.providerId,
  (r) => r.apiKeyId,
  (r) => r.outcome,
  (r) => r.httpStatus,
  (r) => r.errorType,
  (r) => r.latencyMs,
  (r) => r.ttftMs,
  (r) => r.inputTokens,
  (r) => r.outputTokens,
  (r) => r.costMicroUsd,
  (r) => r.propensity,
  (r) => r.snapshotVersion,
  (r) => r.streamed,
];

/** The rollup upserts' columns (`upsertRollups`). */
const ROLLUP_COLUMNS: readonly ((r: RollupRow) => Scalar)[] = [
  (r) => r.minute,
  (r) => r.route,
  (r) => r.deploymentId,
  (r) => r.apiKeyId,
  (r) => r.attempts,
  (r) => r.firstAttempts,
  (r) => r.outcomes.success,
  (r) => r.outcomes.caller_error,
  (r) => r.outcomes.rate_limited,
  (r) => r.outcomes.server_error,
  (r) => r.outcomes.timeout,
  (r) => r.outcomes.connection_error,
  (r) => r.outcomes.malformed,
  (r) => r.outcomes.misconfigured,
  (r) => r.outcomes.interrupted,
  (r) => r.outcomes.aborted,
  (r) => r.streamed,
  (r) => r.latencySumMs,
  (r) => bucketLiteral(r.latencyBuckets),
  (r) => r.ttftCount,
  (r) => r.ttftSumMs,
  (r) => bucketLiteral(r.ttftBuckets),
  (r) => r.inputTokens,
  (r) => r.outputTokens,
  (r) => r.costMicroUsd,
];

/**
 * Writes attempt records to `call_records` and their rollups to `call_rollups_minute`, `_hour`
 * and `_day` (and the hour and day rollups over all keys) in one transaction. Idempotent: records are keyed by (request_id, attempt,
 * started_at), and only the records this statement actually inserted are added to the rollups,
 * so a replay never counts twice.
 */
export class PostgresLedgerWriter implements LedgerWriter {
  constructor(
    private readonly pool: Pick<Pool, 'connect'>,
    private readonly hooks: LedgerHooks = new LedgerHooks(),
  ) {}

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
      const rows = rollUp(inserted);
      if (rows.length > 0) {
        // Level after level, each in a fixed row order: every replica takes the rollup rows'
        // locks in the same order, so concurrent flushes never deadlock.
        for (const level of ROLLUP_LEVELS) {
          await this.upsertRollups(client, level.name, level.sql, level.of(rows).sort(lockOrder));
        }
      }
      if (inserted.length > 0) await this.hooks.runInTransaction(client, inserted);
      await client.query('COMMIT');
      this.hooks.notifyCommitted(records);
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
    const result = await client.query<{
      inserted: number;
      request_ids: string[] | null;
      attempts: number[] | null;
    }>({
      name: 'ledger_insert_records',
      text: INSERT_RECORDS,
      values: [...columnsOf(records, RECORD_COLUMNS), planColumn(records), records.length],
    });
    const row = result.rows[0];
    if (!row) throw new Error('the ledger insert answered no row');
    if (row.inserted === records.length) return records as AttemptRecord[];
    const ids = row.request_ids ?? [];
    const attempts = row.attempts ?? [];
    // Each inserted key counts once, even if the batch carried a record twice.
    const inserted = new Set(ids.map((id, i) => `${id}\u0000${attempts[i]}`));
    return records.filter((r) => inserted.delete(`${r.requestId}\u0000${r.attempt}`));
  }

  private async upsertRollups(
    client: PoolClient,
    name: string,
    text: string,
    rows: readonly RollupRow[],
  ): Promise<void> {
    await client.query({
      name,
      text,
      values: columnsOf(rows, ROLLUP_COLUMNS),
    });
  }
}

function lockOrder(a: RollupRow, b: RollupRow): number {
  return (
    a.minute - b.minute ||
    compare(a.route, b.route) ||
    compare(a.deploymentId, b.deploymentId) ||
    compare(a.apiKeyId, b.apiKeyId)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
