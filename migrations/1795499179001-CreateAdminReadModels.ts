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

function rollupTable(table: string, time: string): string {
  return `
    CREATE TABLE ${table} (
      ${time}           timestamptz NOT NULL,
      route             text        NOT NULL,
      deployment_id     text        NOT NULL,
      api_key_id        text        NOT NULL DEFAULT '',
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
      CONSTRAINT ${table}_pkey PRIMARY KEY (${time}, route, deployment_id, api_key_id)
    )`;
}

/** Element-wise sum of an integer[] column over a GROUP BY, as an integer[] expression. */
function sumBuckets(column: string): string {
  const parts = Array.from({ length: BUCKETS }, (_, i) => `sum(${column}[${i + 1}])`);
  return `ARRAY[${parts.join(', ')}]::integer[]`;
}

/**
 * What the admin API reads: coarser rollups (hourly and daily, kept by the same flush as the
 * minute rollups, so hour- and day-resolution charts over weeks read hundreds of rows, not
 * hundreds of thousands), a `first_attempts` counter in every rollup (requests, as opposed to
 * attempts), the plan each request was drawn from (`call_records.plan`, on its first attempt
 * only: the decision explanation), the replicas' published breaker states (`replica_state`),
 * and an index for weight-history range scans.
 *
 * The new rollup tables are backfilled from the minute rollups; `first_attempts` of existing
 * rows stays 0 (the minute rollups never counted them), so "requests" start at the upgrade.
 */
export class CreateAdminReadModels1795499179001 implements MigrationInterface {
  name = 'CreateAdminReadModels1795499179001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE call_rollups_minute ADD COLUMN first_attempts integer NOT NULL DEFAULT 0`,
    );
    await queryRunner.query(`
      COMMENT ON COLUMN call_rollups_minute.first_attempts IS
        'Attempts with attempt = 1: requests that reached an upstream (attempts - first_attempts = retries and failovers).'
    `);
    for (const [table, time, unit] of [
      ['call_rollups_hour', 'hour', 'hour'],
      ['call_rollups_day', 'day', 'day'],
    ] as const) {
      await queryRunner.query(rollupTable(table, time));
      await queryRunner.query(
        `CREATE INDEX ${table}_route_${time}_idx ON ${table} (route, ${time})`,
      );
      await queryRunner.query(
        `CREATE INDEX ${table}_deployment_id_${time}_idx ON ${table} (deployment_id, ${time})`,
      );
      await queryRunner.query(`
        CREATE INDEX ${table}_api_key_id_${time}_idx ON ${table} (api_key_id, ${time})
          WHERE api_key_id <> ''
      `);
      await queryRunner.query(`
        INSERT INTO ${table} (${time}, route, deployment_id, api_key_id, ${COUNTERS.join(', ')},
                              latency_buckets, ttft_buckets)
        SELECT date_trunc('${unit}', minute, 'UTC'), route, deployment_id, api_key_id,
               ${COUNTERS.map((c) => `sum(${c})`).join(', ')},
               ${sumBuckets('latency_buckets')}, ${sumBuckets('ttft_buckets')}
          FROM call_rollups_minute
         GROUP BY 1, route, deployment_id, api_key_id
      `);
    }

    await queryRunner.query(`ALTER TABLE call_records ADD COLUMN plan jsonb NULL`);
    await queryRunner.query(`
      COMMENT ON COLUMN call_records.plan IS
        'First attempt only: the drawn plan, {"c":[[deployment, weight, probability], ...], "x":[[deployment, reason], ...]}.'
    `);

    await queryRunner.query(`
      CREATE TABLE replica_state (
        replica_id   text        NOT NULL,
        started_at   timestamptz NOT NULL,
        heartbeat_at timestamptz NOT NULL,
        deployments  jsonb       NOT NULL DEFAULT '[]'::jsonb,
        CONSTRAINT replica_state_pkey PRIMARY KEY (replica_id),
        CONSTRAINT replica_state_deployments_check CHECK (jsonb_typeof(deployments) = 'array')
      )
    `);
    await queryRunner.query(
      'CREATE INDEX replica_state_heartbeat_at_idx ON replica_state (heartbeat_at)',
    );

    await queryRunner.query(
      'CREATE INDEX weight_snapshots_route_computed_at_idx ON weight_snapshots (route, computed_at)',
    );
    await queryRunner.query('CREATE INDEX audit_log_actor_at_idx ON audit_log (actor, at DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX audit_log_actor_at_idx');
    await queryRunner.query('DROP INDEX weight_snapshots_route_computed_at_idx');
    await queryRunner.query('DROP TABLE replica_state');
    await queryRunner.query('ALTER TABLE call_records DROP COLUMN plan');
    await queryRunner.query('DROP TABLE call_rollups_day');
    await queryRunner.query('DROP TABLE call_rollups_hour');
    await queryRunner.query('ALTER TABLE call_rollups_minute DROP COLUMN first_attempts');
  }
}
