import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys and teams, and budgets with the bookkeeping that makes their caps hard across
 * replicas: per-period usage (spent and leased), and the leases replicas hold.
 *
 * Invariant kept by the application: for each (budget, period),
 * budget_usage.leased_micro_usd = sum of budget_leases.amount_micro_usd, and a lease is only
 * granted while spent + leased stays within the amount.
 */
export class CreateKeysAndBudgets1795498884438 implements MigrationInterface {
  name = 'CreateKeysAndBudgets1795498884438';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE teams (
        id          uuid        NOT NULL DEFAULT gen_random_uuid(),
        name        text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT teams_pkey PRIMARY KEY (id),
        CONSTRAINT teams_name_key UNIQUE (name),
        CONSTRAINT teams_name_check CHECK (length(btrim(name)) > 0)
      )
    `);
    // Keys are stored as SHA-256 hashes; the prefix is only for people to recognise a key.
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id                  uuid        NOT NULL DEFAULT gen_random_uuid(),
        team_id             uuid        NOT NULL,
        name                text        NOT NULL,
        prefix              text        NOT NULL,
        hash                text        NOT NULL,
        allowed_routes      text[]      NULL,
        requests_per_minute integer     NULL,
        tokens_per_minute   integer     NULL,
        expires_at          timestamptz NULL,
        revoked_at          timestamptz NULL,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT api_keys_pkey PRIMARY KEY (id),
        CONSTRAINT api_keys_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE RESTRICT,
        CONSTRAINT api_keys_hash_key UNIQUE (hash),
        CONSTRAINT api_keys_hash_check CHECK (hash ~ '^[0-9a-f]{64}$'),
        CONSTRAINT api_keys_rpm_check CHECK (requests_per_minute IS NULL OR requests_per_minute > 0),
        CONSTRAINT api_keys_tpm_check CHECK (tokens_per_minute IS NULL OR tokens_per_minute > 0)
      )
    `);
    await queryRunner.query('CREATE INDEX api_keys_team_id_idx ON api_keys (team_id)');

    await queryRunner.query(`
      CREATE TABLE budgets (
        id               uuid        NOT NULL DEFAULT gen_random_uuid(),
        name             text        NOT NULL,
        scope            text        NOT NULL,
        scope_ref        text        NULL,
        period           text        NOT NULL,
        amount_micro_usd bigint      NOT NULL,
        action           text        NOT NULL,
        degrade_max_price_micro_per_million bigint NULL,
        enabled          boolean     NOT NULL DEFAULT true,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT budgets_pkey PRIMARY KEY (id),
        CONSTRAINT budgets_scope_check CHECK (scope IN ('global', 'team', 'key', 'route', 'deployment')),
        CONSTRAINT budgets_scope_ref_check CHECK ((scope = 'global') = (scope_ref IS NULL)),
        CONSTRAINT budgets_period_check CHECK (period IN ('day', 'week', 'month')),
        CONSTRAINT budgets_amount_check CHECK (amount_micro_usd >= 0),
        CONSTRAINT budgets_action_check CHECK (action IN ('block', 'degrade')),
        CONSTRAINT budgets_degrade_check CHECK (
          (action = 'degrade') = (degrade_max_price_micro_per_million IS NOT NULL)
          AND (degrade_max_price_micro_per_million IS NULL OR degrade_max_price_micro_per_million >= 0))
      )
    `);
    await queryRunner.query('CREATE INDEX budgets_scope_idx ON budgets (scope, scope_ref)');

    await queryRunner.query(`
      CREATE TABLE budget_usage (
        budget_id        uuid        NOT NULL,
        period_start     timestamptz NOT NULL,
        spent_micro_usd  bigint      NOT NULL DEFAULT 0,
        leased_micro_usd bigint      NOT NULL DEFAULT 0,
        CONSTRAINT budget_usage_pkey PRIMARY KEY (budget_id, period_start),
        CONSTRAINT budget_usage_budget_id_fkey FOREIGN KEY (budget_id) REFERENCES budgets (id) ON DELETE CASCADE,
        CONSTRAINT budget_usage_spent_check CHECK (spent_micro_usd >= 0),
        CONSTRAINT budget_usage_leased_check CHECK (leased_micro_usd >= 0)
      )
    `);
    await queryRunner.query(`
      CREATE TABLE budget_leases (
        id               uuid        NOT NULL DEFAULT gen_random_uuid(),
        budget_id        uuid        NOT NULL,
        period_start     timestamptz NOT NULL,
        replica_id       text        NOT NULL,
        amount_micro_usd bigint      NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        expires_at       timestamptz NOT NULL,
        CONSTRAINT budget_leases_pkey PRIMARY KEY (id),
        CONSTRAINT budget_leases_usage_fkey FOREIGN KEY (budget_id, period_start)
          REFERENCES budget_usage (budget_id, period_start) ON DELETE CASCADE,
        CONSTRAINT budget_leases_amount_check CHECK (amount_micro_usd >= 0)
      )
    `);
    await queryRunner.query(
      'CREATE INDEX budget_leases_expires_at_idx ON budget_leases (expires_at)',
    );
    await queryRunner.query(
      'CREATE INDEX budget_leases_usage_idx ON budget_leases (budget_id, period_start)',
    );

    // Budgets replace the interim per-route spend caps: carry any over as route budgets.
    await queryRunner.query(`
      INSERT INTO budgets (name, scope, scope_ref, period, amount_micro_usd, action)
      SELECT 'route ' || name || ' spend cap', 'route', name, spend_cap_period, spend_cap_micro_usd, 'block'
        FROM routes WHERE spend_cap_micro_usd IS NOT NULL
    `);
    await queryRunner.query(`
      ALTER TABLE routes
        DROP CONSTRAINT routes_spend_cap_check,
        DROP COLUMN spend_cap_period,
        DROP COLUMN spend_cap_micro_usd
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE routes
        ADD COLUMN spend_cap_micro_usd bigint NULL,
        ADD COLUMN spend_cap_period text NULL,
        ADD CONSTRAINT routes_spend_cap_check CHECK (
          (spend_cap_micro_usd IS NULL AND spend_cap_period IS NULL) OR
          (spend_cap_micro_usd >= 0 AND spend_cap_period IN ('day', 'week', 'month')))
    `);
    await queryRunner.query(`
      UPDATE routes r SET spend_cap_micro_usd = b.amount_micro_usd, spend_cap_period = b.period
        FROM budgets b
       WHERE b.scope = 'route' AND b.scope_ref = r.name AND b.name = 'route ' || r.name || ' spend cap'
    `);
    await queryRunner.query('DROP TABLE budget_leases');
    await queryRunner.query('DROP TABLE budget_usage');
    await queryRunner.query('DROP TABLE budgets');
    await queryRunner.query('DROP TABLE api_keys');
    await queryRunner.query('DROP TABLE teams');
  }
}
