import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adaptive weights: each route's objective settings and interim spend cap, the snapshots the
 * weights job writes, operators' overrides of routing, and the audit log that records every
 * override and every other administrative change.
 */
export class CreateWeights1795497316484 implements MigrationInterface {
  name = 'CreateWeights1795497316484';

  async up(queryRunner: QueryRunner): Promise<void> {
    // objective: the bandit's settings for the route (latency SLO, speed weight, floor ...),
    // validated by the application; {} means the defaults. The spend cap is the interim budget
    // input of the pacing until budgets arrive: micro-USD per UTC calendar period.
    await queryRunner.query(`
      ALTER TABLE routes
        ADD COLUMN objective jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN spend_cap_micro_usd bigint NULL,
        ADD COLUMN spend_cap_period text NULL,
        ADD CONSTRAINT routes_objective_check CHECK (jsonb_typeof(objective) = 'object'),
        ADD CONSTRAINT routes_spend_cap_check CHECK (
          (spend_cap_micro_usd IS NULL AND spend_cap_period IS NULL) OR
          (spend_cap_micro_usd >= 0 AND spend_cap_period IN ('day', 'week', 'month')))
    `);

    // One row per route per job run; the id is the snapshot's version (monotonic across
    // routes), recorded with every call drawn from it.
    await queryRunner.query(`
      CREATE TABLE weight_snapshots (
        id           bigserial        NOT NULL,
        route        text             NOT NULL,
        computed_at  timestamptz      NOT NULL,
        computed_by  text             NOT NULL,
        weights      jsonb            NOT NULL,
        lambda       double precision NOT NULL,
        pacing       jsonb            NULL,
        deployments  jsonb            NOT NULL,
        objective    jsonb            NOT NULL,
        CONSTRAINT weight_snapshots_pkey PRIMARY KEY (id),
        CONSTRAINT weight_snapshots_lambda_check CHECK (lambda >= 0)
      )
    `);
    await queryRunner.query(
      'CREATE INDEX weight_snapshots_route_id_idx ON weight_snapshots (route, id DESC)',
    );
    await queryRunner.query(
      'CREATE INDEX weight_snapshots_computed_at_idx ON weight_snapshots (computed_at)',
    );

    // Operators' overrides. Active = not revoked and not expired. A NULL route means every
    // route (disable a deployment everywhere, force its breaker).
    await queryRunner.query(`
      CREATE TABLE route_overrides (
        id             bigserial        NOT NULL,
        kind           text             NOT NULL,
        route          text             NULL,
        deployment_id  text             NULL,
        weight         double precision NULL,
        actor          text             NOT NULL,
        reason         text             NOT NULL,
        created_at     timestamptz      NOT NULL DEFAULT now(),
        expires_at     timestamptz      NULL,
        revoked_at     timestamptz      NULL,
        revoked_by     text             NULL,
        CONSTRAINT route_overrides_pkey PRIMARY KEY (id),
        CONSTRAINT route_overrides_kind_check CHECK (kind IN
          ('pin_weight', 'disable_deployment', 'force_breaker_open', 'force_breaker_closed', 'freeze_route')),
        CONSTRAINT route_overrides_shape_check CHECK (
          (kind = 'pin_weight' AND route IS NOT NULL AND deployment_id IS NOT NULL
             AND weight IS NOT NULL AND weight >= 0 AND weight <= 1) OR
          (kind = 'disable_deployment' AND deployment_id IS NOT NULL AND weight IS NULL) OR
          (kind IN ('force_breaker_open', 'force_breaker_closed') AND route IS NULL
             AND deployment_id IS NOT NULL AND weight IS NULL) OR
          (kind = 'freeze_route' AND route IS NOT NULL AND deployment_id IS NULL AND weight IS NULL)),
        CONSTRAINT route_overrides_reason_check CHECK (length(btrim(reason)) > 0),
        CONSTRAINT route_overrides_expiry_check CHECK (expires_at IS NULL OR expires_at > created_at)
      )
    `);
    await queryRunner.query(
      'CREATE INDEX route_overrides_active_idx ON route_overrides (kind) WHERE revoked_at IS NULL',
    );

    await queryRunner.query(`
      CREATE TABLE audit_log (
        id        bigserial   NOT NULL,
        at        timestamptz NOT NULL DEFAULT now(),
        actor     text        NOT NULL,
        action    text        NOT NULL,
        target    text        NOT NULL,
        reason    text        NULL,
        details   jsonb       NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT audit_log_pkey PRIMARY KEY (id)
      )
    `);
    await queryRunner.query('CREATE INDEX audit_log_at_idx ON audit_log (at DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_log');
    await queryRunner.query('DROP TABLE route_overrides');
    await queryRunner.query('DROP TABLE weight_snapshots');
    await queryRunner.query(`
      ALTER TABLE routes
        DROP CONSTRAINT routes_spend_cap_check,
        DROP CONSTRAINT routes_objective_check,
        DROP COLUMN spend_cap_period,
        DROP COLUMN spend_cap_micro_usd,
        DROP COLUMN objective
    `);
  }
}
