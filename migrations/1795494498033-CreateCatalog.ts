import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog: providers, their deployments (a model at a provider, with prices and timeouts)
 * and routes over deployments. Rows are either seeded from configuration (`managed_by =
 * 'seed'`, rewritten on start) or created through the admin API (`'admin'`, never touched by
 * the seed), so a restart cannot undo an operator's change.
 */
export class CreateCatalog1795494498033 implements MigrationInterface {
  name = 'CreateCatalog1795494498033';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE providers (
        id          text        NOT NULL,
        kind        text        NOT NULL,
        base_url    text        NOT NULL,
        api_key_env text        NULL,
        headers     jsonb       NOT NULL DEFAULT '{}'::jsonb,
        enabled     boolean     NOT NULL DEFAULT true,
        managed_by  text        NOT NULL DEFAULT 'seed',
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT providers_pkey PRIMARY KEY (id),
        CONSTRAINT providers_kind_check CHECK (kind IN ('openai', 'anthropic', 'gemini')),
        CONSTRAINT providers_headers_check CHECK (jsonb_typeof(headers) = 'object'),
        CONSTRAINT providers_managed_by_check CHECK (managed_by IN ('seed', 'admin'))
      )
    `);
    await queryRunner.query(`
      COMMENT ON COLUMN providers.api_key_env IS
        'Name of the environment variable that holds the API key; keys are never stored in the database.'
    `);

    await queryRunner.query(`
      CREATE TABLE deployments (
        id                                   text        NOT NULL,
        provider_id                          text        NOT NULL,
        model                                text        NOT NULL,
        input_price_micro_per_million        bigint      NOT NULL,
        output_price_micro_per_million       bigint      NOT NULL,
        cached_input_price_micro_per_million bigint      NULL,
        timeout_ms                           integer     NOT NULL,
        first_byte_timeout_ms                integer     NOT NULL,
        enabled                              boolean     NOT NULL DEFAULT true,
        managed_by                           text        NOT NULL DEFAULT 'seed',
        created_at                           timestamptz NOT NULL DEFAULT now(),
        updated_at                           timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT deployments_pkey PRIMARY KEY (id),
        CONSTRAINT deployments_provider_id_fkey FOREIGN KEY (provider_id)
          REFERENCES providers (id) ON UPDATE CASCADE ON DELETE RESTRICT,
        CONSTRAINT deployments_input_price_check CHECK (input_price_micro_per_million >= 0),
        CONSTRAINT deployments_output_price_check CHECK (output_price_micro_per_million >= 0),
        CONSTRAINT deployments_cached_input_price_check
          CHECK (cached_input_price_micro_per_million >= 0),
        CONSTRAINT deployments_timeout_ms_check CHECK (timeout_ms > 0),
        CONSTRAINT deployments_first_byte_timeout_ms_check CHECK (first_byte_timeout_ms > 0),
        CONSTRAINT deployments_managed_by_check CHECK (managed_by IN ('seed', 'admin'))
      )
    `);
    await queryRunner.query(`
      COMMENT ON COLUMN deployments.input_price_micro_per_million IS
        'Price of one million input tokens in micro-USD (integer; money is never a float).'
    `);
    // Foreign keys are not indexed by PostgreSQL; without it, deleting a provider scans.
    await queryRunner.query(
      `CREATE INDEX deployments_provider_id_idx ON deployments (provider_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE routes (
        name         text        NOT NULL,
        description  text        NOT NULL DEFAULT '',
        strategy     text        NOT NULL,
        max_attempts integer     NOT NULL,
        deadline_ms  integer     NOT NULL,
        enabled      boolean     NOT NULL DEFAULT true,
        managed_by   text        NOT NULL DEFAULT 'seed',
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT routes_pkey PRIMARY KEY (name),
        CONSTRAINT routes_strategy_check CHECK (strategy IN ('adaptive', 'static', 'priority')),
        CONSTRAINT routes_max_attempts_check CHECK (max_attempts BETWEEN 1 AND 10),
        CONSTRAINT routes_deadline_ms_check CHECK (deadline_ms > 0),
        CONSTRAINT routes_managed_by_check CHECK (managed_by IN ('seed', 'admin'))
      )
    `);

    await queryRunner.query(`
      CREATE TABLE route_deployments (
        route_name    text             NOT NULL,
        deployment_id text             NOT NULL,
        weight        double precision NOT NULL,
        priority      integer          NOT NULL DEFAULT 0,
        CONSTRAINT route_deployments_pkey PRIMARY KEY (route_name, deployment_id),
        CONSTRAINT route_deployments_route_name_fkey FOREIGN KEY (route_name)
          REFERENCES routes (name) ON UPDATE CASCADE ON DELETE CASCADE,
        CONSTRAINT route_deployments_deployment_id_fkey FOREIGN KEY (deployment_id)
          REFERENCES deployments (id) ON UPDATE CASCADE ON DELETE RESTRICT,
        CONSTRAINT route_deployments_weight_check CHECK (weight >= 0)
      )
    `);
    // The primary key serves lookups by route; this one serves "which routes use deployment d".
    await queryRunner.query(
      `CREATE INDEX route_deployments_deployment_id_idx ON route_deployments (deployment_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE route_deployments`);
    await queryRunner.query(`DROP TABLE routes`);
    await queryRunner.query(`DROP TABLE deployments`);
    await queryRunner.query(`DROP TABLE providers`);
  }
}
