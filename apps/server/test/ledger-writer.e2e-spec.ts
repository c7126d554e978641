import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CallJournal } from '../src/modules/calls/call-journal.js';
import { CallRecorderService } from '../src/modules/calls/call-recorder.service.js';
import type { AttemptOutcome, AttemptRecord } from '../src/modules/calls/call-record.js';
import {
  coarsen,
  DAY_MS,
  HOUR_MS,
  rollUp,
  type RollupRow,
} from '../src/modules/calls/call-rollup.js';
import {
  LedgerDataError,
  PostgresLedgerWriter,
} from '../src/modules/calls/postgres-ledger.writer.js';
import { attemptRecord } from './support/attempt-record.factory.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

// Two minutes either side of a UTC midnight: records fall in five minutes, two hours and two
// days, so every rollup level has rows that several batches add to.
const T0 = Date.UTC(2026, 10, 24, 23, 58, 0);
const SPAN_MS = 4 * 60_000;
const OUTCOMES: readonly AttemptOutcome[] = ['success', 'success', 'success', 'server_error'];

/** Deterministic records over routes x deployments x keys, with latencies in many buckets. */
function records(count: number): AttemptRecord[] {
  let seed = 12_345;
  const next = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor(seed / 65_536) % n; // the high bits: an LCG's low bits cycle
  };
  return Array.from({ length: count }, (_, i) => {
    const outcome = OUTCOMES[next(OUTCOMES.length)] as AttemptOutcome;
    const streamed = next(3) === 0;
    return attemptRecord({
      attempt: next(10) === 0 ? 2 : 1,
      startedAt: T0 + Math.floor((i * SPAN_MS) / count),
      route: `route-${next(2)}`,
      deploymentId: `dep-${next(2)}`,
      apiKeyId: [null, 'key-1', 'key-2'][next(3)] ?? null,
      outcome,
      latencyMs: 1 + next(20_000),
      ttftMs: streamed ? next(3_000) : null,
      streamed,
      inputTokens: next(1_000),
      outputTokens: next(500),
      costMicroUsd: next(100_000),
    });
  });
}

/** Batches that each touch most rollup rows of every level: every `n`-th record. */
function interleaved<T>(items: readonly T[], n: number): T[][] {
  return Array.from({ length: n }, (_, k) => items.filter((_, i) => i % n === k));
}

interface StoredRollup {
  t: Date;
  route: string;
  deployment_id: string;
  api_key_id: string;
  attempts: number;
  first_attempts: number;
  successes: number;
  server_errors: number;
  streamed: number;
  latency_sum_ms: string;
  latency_buckets: number[];
  ttft_count: number;
  ttft_sum_ms: string;
  ttft_buckets: number[];
  input_tokens: string;
  output_tokens: string;
  cost_micro_usd: string;
}

/** A rollup row as the table should hold it, in the shape the query below returns. */
function expected(r: RollupRow): Record<string, unknown> {
  return {
    t: new Date(r.minute).toISOString(),
    key: `${r.route} ${r.deploymentId} ${r.apiKeyId}`,
    attempts: r.attempts,
    first_attempts: r.firstAttempts,
    successes: r.outcomes.success,
    server_errors: r.outcomes.server_error,
    streamed: r.streamed,
    latency_sum_ms: String(r.latencySumMs),
    latency_buckets: r.latencyBuckets,
    ttft_count: r.ttftCount,
    ttft_sum_ms: String(r.ttftSumMs),
    ttft_buckets: r.ttftBuckets,
    input_tokens: String(r.inputTokens),
    output_tokens: String(r.outputTokens),
    cost_micro_usd: String(r.costMicroUsd),
  };
}

const allKeys = { mergeKeys: true };
const LEVELS = [
  { table: 'call_rollups_minute', time: 'minute', of: (rows: RollupRow[]) => rows },
  { table: 'call_rollups_hour', time: 'hour', of: (rows: RollupRow[]) => coarsen(rows, HOUR_MS) },
  { table: 'call_rollups_day', time: 'day', of: (rows: RollupRow[]) => coarsen(rows, DAY_MS) },
  {
    table: 'call_rollups_hour_by_deployment',
    time: 'hour',
    of: (rows: RollupRow[]) => coarsen(rows, HOUR_MS, allKeys),
  },
  {
    table: 'call_rollups_day_by_deployment',
    time: 'day',
    of: (rows: RollupRow[]) => coarsen(rows, DAY_MS, allKeys),
  },
] as const;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
});
afterAll(async () => {
  await db?.drop();
});

async function stored(table: string, time: string): Promise<Record<string, unknown>[]> {
  const rows = await db.dataSource.query<StoredRollup[]>(
    `SELECT ${time} AS t, route, deployment_id, ${table.endsWith('_by_deployment') ? "''" : 'api_key_id'} AS api_key_id, attempts, first_attempts, successes,
            server_errors, streamed, latency_sum_ms, latency_buckets, ttft_count, ttft_sum_ms,
            ttft_buckets, input_tokens, output_tokens, cost_micro_usd
       FROM ${table}`,
  );
  return rows.map(({ t, route, deployment_id, api_key_id, ...rest }) => ({
    t: t.toISOString(),
    key: `${route} ${deployment_id} ${api_key_id}`,
    ...rest,
  }));
}

const byTimeAndKey = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  `${String(a.t)} ${String(a.key)}` < `${String(b.t)} ${String(b.key)}` ? -1 : 1;

describe('the rollup tables', () => {
  it('leave room in their pages, so that flushes update rows in place (HOT)', async () => {
    const rows = await db.dataSource.query<{ relname: string; reloptions: string[] | null }[]>(
      `SELECT c.relname, c.reloptions FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname LIKE 'call_rollups_%' AND c.relkind = 'r'
        ORDER BY c.relname`,
      [db.schema],
    );
    expect(rows).toEqual([
      { relname: 'call_rollups_day', reloptions: ['fillfactor=50'] },
      { relname: 'call_rollups_day_by_deployment', reloptions: ['fillfactor=50'] },
      { relname: 'call_rollups_hour', reloptions: ['fillfactor=50'] },
      { relname: 'call_rollups_hour_by_deployment', reloptions: ['fillfactor=50'] },
      { relname: 'call_rollups_minute', reloptions: ['fillfactor=70'] },
    ]);
  });
});

describe('PostgresLedgerWriter', () => {
  const all = records(3_000);
  const batches = interleaved(all, 12);

  it('writes concurrent batches that share rollup rows without deadlocking, every level exact', async () => {
    const writer = new PostgresLedgerWriter(db.database.pool);
    // Four connections, twelve batches, each batch adding to nearly every minute, hour and day
    // row: the writers queue on each other's row locks, in one order, and all commit.
    const inserted = await Promise.all(batches.map((batch) => writer.write(batch)));
    expect(inserted.reduce((a, b) => a + b, 0)).toBe(all.length);

    const minutes = rollUp(all);
    for (const level of LEVELS) {
      const want = level.of(minutes).map(expected).sort(byTimeAndKey);
      const got = (await stored(level.table, level.time)).sort(byTimeAndKey);
      expect({ table: level.table, rows: got }).toEqual({ table: level.table, rows: want });
    }
    // 2 hours and 2 days x 2 routes x 2 deployments, x 3 keys (none, key-1, key-2) where keyed.
    expect(LEVELS.map((l) => l.of(minutes).length)).toEqual([expect.any(Number), 24, 24, 8, 8]);
  });

  it('adds nothing when batches are replayed, whole or mixed with new records', async () => {
    const writer = new PostgresLedgerWriter(db.database.pool);
    const before = await Promise.all(LEVELS.map((l) => stored(l.table, l.time)));
    const replayed = await Promise.all(batches.slice(0, 4).map((batch) => writer.write(batch)));
    expect(replayed).toEqual([0, 0, 0, 0]);
    expect(await Promise.all(LEVELS.map((l) => stored(l.table, l.time)))).toEqual(before);

    // A batch of three old records and one new one counts the new one only, at every level.
    const fresh = attemptRecord({
      startedAt: T0 + 30_000,
      route: 'route-0',
      deploymentId: 'dep-0',
    });
    expect(await writer.write([...all.slice(0, 3), fresh])).toBe(1);
    const minutes = rollUp([...all, fresh]);
    for (const level of LEVELS) {
      const want = level.of(minutes).map(expected).sort(byTimeAndKey);
      expect((await stored(level.table, level.time)).sort(byTimeAndKey)).toEqual(want);
    }
  });

  it('counts a record that a batch carries twice once, among records written before', async () => {
    const writer = new PostgresLedgerWriter(db.database.pool);
    const fresh = attemptRecord({
      startedAt: T0 + 31_000,
      route: 'route-1',
      deploymentId: 'dep-1',
    });
    const before = await Promise.all(LEVELS.map((l) => stored(l.table, l.time)));
    expect(await writer.write([fresh, all[5]!, fresh, all[6]!])).toBe(1);
    const rows = await db.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::integer AS n FROM call_records WHERE request_id = $1',
      [fresh.requestId],
    );
    expect(rows).toEqual([{ n: 1 }]);
    const attemptsIn = (rows: Record<string, unknown>[]): number =>
      rows.reduce((sum, r) => sum + Number(r.attempts), 0);
    const after = await Promise.all(LEVELS.map((l) => stored(l.table, l.time)));
    expect(after.map(attemptsIn)).toEqual(before.map((rows) => attemptsIn(rows) + 1));
  });

  // Last: its record adds to the rollups the tests above compare.
  it('stores every field of a record as given: ms-exact start, escaped text, the plan as JSON', async () => {
    const writer = new PostgresLedgerWriter(db.database.pool);
    const plan = {
      c: [['dep "quoted" \\ one', 0.6667, 0.25] as const, ['dép-2', 1e-7, 0.75] as const],
      x: [['dep-3', 'circuit_open'] as const],
    };
    const record = attemptRecord({
      startedAt: Date.UTC(2026, 10, 24, 23, 59, 59, 987),
      route: 'route-"x"',
      errorType: 'a\\b',
      ttftMs: 12,
      propensity: 0.125,
      snapshotVersion: 42,
      streamed: true,
      plan,
    });
    expect(await writer.write([record])).toBe(1);
    const [row] = await db.dataSource.query<Record<string, unknown>[]>(
      `SELECT (extract(epoch FROM started_at) * 1000)::bigint AS started_ms, route, error_type,
              ttft_ms, propensity, snapshot_version, streamed, plan
         FROM call_records WHERE request_id = $1`,
      [record.requestId],
    );
    expect(row).toEqual({
      started_ms: String(record.startedAt),
      route: 'route-"x"',
      error_type: 'a\\b',
      ttft_ms: 12,
      propensity: 0.125,
      snapshot_version: '42',
      streamed: true,
      plan: JSON.parse(JSON.stringify(plan)) as unknown,
    });
  });
  it('sets aside a record it cannot store (a non-finite number) and writes the rest of its batch', async () => {
    const writer = new PostgresLedgerWriter(db.database.pool);
    const bad = attemptRecord({ startedAt: T0, latencyMs: Number.NaN });
    await expect(writer.write([bad])).rejects.toBeInstanceOf(LedgerDataError);
    const dir = await mkdtemp(path.join(tmpdir(), 'stilts-ledger-refused-'));
    try {
      const recorder = new CallRecorderService(writer, new CallJournal(dir, 'test'), {
        flushIntervalMs: 10,
        batchSize: 50,
        maxBuffered: 200,
        retryBaseMs: 5,
        retryCapMs: 20,
      });
      recorder.start();
      const good = Array.from({ length: 9 }, () => attemptRecord({ startedAt: T0 }));
      for (const record of [...good.slice(0, 4), bad, ...good.slice(4)]) recorder.record(record);
      await recorder.drain();
      expect(recorder.stats.rejected).toBe(1);
      expect(recorder.stats.written).toBe(9);
      const [row] = await db.dataSource.query<{ n: number }[]>(
        'SELECT count(*)::integer AS n FROM call_records WHERE request_id = ANY($1)',
        [[...good, bad].map((r) => r.requestId)],
      );
      expect(row?.n).toBe(9);
      const rejected = await readFile(path.join(dir, 'test.rejected.ndjson'), 'utf8');
      expect(rejected).toContain(bad.requestId);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
