import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Buckets of the rollups' latency histograms (`LATENCY_BUCKET_COUNT` of @stilts/routing). */
const BUCKETS = 33;

const COUNTERS = [
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

/** Element-wise sum of an integer[] column over a GROUP BY, as an integer[] expression. */
function sumBuckets(column: string): string {
  const parts = Array.from({ length: BUCKETS }, (_, i) => `sum(${column}[${i + 1}])`);
  return `ARRAY[${parts.join(', ')}]::integer[]`;
}

/**
 * Hourly and daily rollups per (route, deployment) over all API keys: what the admin charts
 * read when they do not split or filter by key (overall, per route, per deployment). The keyed
 * tables hold one row per key as well, so a month of hourly points per deployment meant
 * grouping keys x more rows (and summing 66 histogram buckets in each) at every request; these
 * hold exactly one row per point. The ledger writer upserts them in the flush transaction,
 * after the keyed levels; they are backfilled here from the keyed tables.
 *
 * No secondary indexes: the rows are time buckets x (route, deployment) pairs, and the primary
 * key, which starts with the time, serves the range scans. Pages keep half their room free, as
 * in the other hour and day rollups, so the flushes' updates stay HOT.
 */
export class CreateDeploymentRollups1795505646994 implements MigrationInterface {
  name = 'CreateDeploymentRollups1795505646994';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, source, time] of [
      ['call_rollups_hour_by_deployment', 'call_rollups_hour', 'hour'],
      ['call_rollups_day_by_deployment', 'call_rollups_day', 'day'],
    ] as const) {
      await queryRunner.query(`
        CREATE TABLE ${table} (
          ${time}           timestamptz NOT NULL,
          route             text        NOT NULL,
          deployment_id     text        NOT NULL,
          attempts          integer     NOT NULL,
          first_attempts    integer     NOT NULL DEFAULT 0,
          successes         integer     NOT NULL DEFAULT 0,
          caller_errors     integer     NOT NULL DEFAULT 0,
          rate_limited      integer     NOT NULL DEFAULT 0,
          server_errors     integer     NOT NULL DEFAULT 0,
          timeouts          integer     NOT NULL DEFAULT 0,
          connection_errors integer     NOT NULL DEFAULT 0,
          malformed         integer     NOT NULL DEFAULT 0,
          misconfigured     integer     NOT NULL DEFAULT 0,
          interrupted       integer     NOT NULL DEFAULT 0,
          aborted           integer     NOT NULL DEFAULT 0,
          streamed          integer     NOT NULL DEFAULT 0,
          latency_sum_ms    bigint      NOT NULL DEFAULT 0,
          latency_buckets   integer[]   NOT NULL,
          ttft_count        integer     NOT NULL DEFAULT 0,
          ttft_sum_ms       bigint      NOT NULL DEFAULT 0,
          ttft_buckets      integer[]   NOT NULL,
          input_tokens      bigint      NOT NULL DEFAULT 0,
          output_tokens     bigint      NOT NULL DEFAULT 0,
          cost_micro_usd    bigint      NOT NULL DEFAULT 0,
          CONSTRAINT ${table}_pkey PRIMARY KEY (${time}, route, deployment_id)
        ) WITH (fillfactor = 50)
      `);
      await queryRunner.query(`
        INSERT INTO ${table} (${time}, route, deployment_id, ${COUNTERS.join(', ')},
                              latency_buckets, ttft_buckets)
        SELECT ${time}, route, deployment_id, ${COUNTERS.map((c) => `sum(${c})`).join(', ')},
               ${sumBuckets('latency_buckets')}, ${sumBuckets('ttft_buckets')}
          FROM ${source}
         GROUP BY ${time}, route, deployment_id
      `);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE call_rollups_day_by_deployment');
    await queryRunner.query('DROP TABLE call_rollups_hour_by_deployment');
  }
}
