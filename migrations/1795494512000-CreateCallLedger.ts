import type { MigrationInterface, QueryRunner } from 'typeorm';

const OUTCOMES = [
  'success',
  'caller_error',
  'rate_limited',
  'server_error',
  'timeout',
  'connection_error',
  'malformed',
  'misconfigured',
  'interrupted',
  'aborted',
] as const;

/**
 * The call ledger: one row per upstream attempt in `call_records`, range-partitioned by day on
 * `started_at`, and per-minute aggregates in `call_rollups_minute` that dashboards and the
 * weights job read instead of scanning raw rows.
 *
 * Daily partitions (`call_records_pYYYYMMDD`, covering [day 00:00 UTC, next day 00:00 UTC))
 * are created ahead of time and dropped after the retention period by a job, not here; rows
 * that arrive without a partition land in `call_records_default`.
 */
export class CreateCallLedger1795494512000 implements MigrationInterface {
  name = 'CreateCallLedger1795494512000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const outcomes = OUTCOMES.map((o) => `'${o}'`).join(', ');
    // No foreign keys: the ledger must keep (and accept late replays of) records of
    // deployments, routes and keys that have since been deleted. The primary key includes the
    // partition key, as PostgreSQL requires; an attempt's started_at never changes, so it still
    // makes a replayed (request_id, attempt) a conflict rather than a duplicate.
    await queryRunner.query(`
      CREATE TABLE call_records (
        request_id       text             NOT NULL,
        attempt          smallint         NOT NULL,
        started_at       timestamptz      NOT NULL,
        route            text             NOT NULL,
        deployment_id    text             NOT NULL,
        provider_id      text             NOT NULL,
        api_key_id       text             NULL,
        outcome          text             NOT NULL,
        http_status      smallint         NULL,
        error_type       text             NULL,
        latency_ms       integer          NOT NULL,
        ttft_ms          integer          NULL,
        input_tokens     integer          NOT NULL,
        output_tokens    integer          NOT NULL,
        cost_micro_usd   bigint           NOT NULL,
        propensity       double precision NOT NULL,
        snapshot_version bigint           NULL,
        streamed         boolean          NOT NULL,
        CONSTRAINT call_records_pkey PRIMARY KEY (request_id, attempt, started_at),
        CONSTRAINT call_records_attempt_check CHECK (attempt >= 1),
        CONSTRAINT call_records_outcome_check CHECK (outcome IN (${outcomes})),
        CONSTRAINT call_records_latency_ms_check CHECK (latency_ms >= 0),
        CONSTRAINT call_records_input_tokens_check CHECK (input_tokens >= 0),
        CONSTRAINT call_records_output_tokens_check CHECK (output_tokens >= 0),
        CONSTRAINT call_records_cost_micro_usd_check CHECK (cost_micro_usd >= 0),
        CONSTRAINT call_records_propensity_check CHECK (propensity BETWEEN 0 AND 1)
      ) PARTITION BY RANGE (started_at)
    `);
    await queryRunner.query(`CREATE TABLE call_records_default PARTITION OF call_records DEFAULT`);
    // Partitioned indexes: every partition, present and future, gets its own copy.
    await queryRunner.query(
      `CREATE INDEX call_records_started_at_idx ON call_records (started_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX call_records_route_started_at_idx ON call_records (route, started_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX call_records_deployment_id_started_at_idx ON call_records (deployment_id, started_at)`,
    );
    await queryRunner.query(`
      CREATE INDEX call_records_api_key_id_started_at_idx ON call_records (api_key_id, started_at)
        WHERE api_key_id IS NOT NULL
    `);

    // api_key_id is '' (not NULL) for calls without a key because it is part of the primary
    // key, which the flush's INSERT ... ON CONFLICT upsert targets.
    await queryRunner.query(`
      CREATE TABLE call_rollups_minute (
        minute            timestamptz NOT NULL,
        route             text        NOT NULL,
        deployment_id     text        NOT NULL,
        api_key_id        text        NOT NULL DEFAULT '',
        attempts          integer     NOT NULL,
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
        CONSTRAINT call_rollups_minute_pkey PRIMARY KEY (minute, route, deployment_id, api_key_id)
      )
    `);
    await queryRunner.query(`
      COMMENT ON COLUMN call_rollups_minute.latency_sum_ms IS
        'Sum of the latency of the successful attempts (divide by successes for the mean).'
    `);
    await queryRunner.query(`
      COMMENT ON COLUMN call_rollups_minute.latency_buckets IS
        'Log-scale histogram of the latency of the successful attempts.'
    `);
    await queryRunner.query(
      `CREATE INDEX call_rollups_minute_deployment_id_minute_idx ON call_rollups_minute (deployment_id, minute)`,
    );
    await queryRunner.query(
      `CREATE INDEX call_rollups_minute_route_minute_idx ON call_rollups_minute (route, minute)`,
    );
    await queryRunner.query(`
      CREATE INDEX call_rollups_minute_api_key_id_minute_idx ON call_rollups_minute (api_key_id, minute)
        WHERE api_key_id <> ''
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE call_rollups_minute`);
    // Dropping the parent drops every attached partition. A retention job may have detached a
    // daily partition without dropping it yet; those are ledger tables too.
    await queryRunner.query(`
      DO $$
      DECLARE
        partition_name text;
      BEGIN
        FOR partition_name IN
          SELECT c.relname
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema()
             AND c.relkind IN ('r', 'p')
             AND c.relname ~ '^call_records_p[0-9]{8}$'
             AND NOT c.relispartition
        LOOP
          EXECUTE format('DROP TABLE %I', partition_name);
        END LOOP;
      END
      $$
    `);
    await queryRunner.query(`DROP TABLE call_records`);
  }
}
