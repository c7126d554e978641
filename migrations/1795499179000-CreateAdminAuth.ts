import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin API's credentials: admin tokens (stored as SHA-256 hashes with a display prefix and
 * a role) and the server-side sessions a login creates (also stored as hashes, with an expiry);
 * and providers' API keys set through the admin API, kept encrypted (AES-256-GCM) in
 * `providers.api_key_encrypted`.
 */
export class CreateAdminAuth1795499179000 implements MigrationInterface {
  name = 'CreateAdminAuth1795499179000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE admin_tokens (
        id           bigserial   NOT NULL,
        name         text        NOT NULL,
        role         text        NOT NULL,
        token_hash   bytea       NOT NULL,
        prefix       text        NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        created_by   text        NOT NULL,
        last_used_at timestamptz NULL,
        expires_at   timestamptz NULL,
        revoked_at   timestamptz NULL,
        CONSTRAINT admin_tokens_pkey PRIMARY KEY (id),
        CONSTRAINT admin_tokens_token_hash_key UNIQUE (token_hash),
        CONSTRAINT admin_tokens_role_check CHECK (role IN ('viewer', 'admin')),
        CONSTRAINT admin_tokens_token_hash_check CHECK (octet_length(token_hash) = 32),
        CONSTRAINT admin_tokens_name_check CHECK (length(btrim(name)) > 0)
      )
    `);
    await queryRunner.query(`
      COMMENT ON COLUMN admin_tokens.token_hash IS
        'SHA-256 of the token; the token itself is shown once and never stored.'
    `);
    await queryRunner.query(`
      CREATE TABLE admin_sessions (
        session_hash bytea       NOT NULL,
        token_id     bigint      NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        expires_at   timestamptz NOT NULL,
        CONSTRAINT admin_sessions_pkey PRIMARY KEY (session_hash),
        CONSTRAINT admin_sessions_token_id_fkey FOREIGN KEY (token_id)
          REFERENCES admin_tokens (id) ON DELETE CASCADE,
        CONSTRAINT admin_sessions_session_hash_check CHECK (octet_length(session_hash) = 32)
      )
    `);
    await queryRunner.query(
      'CREATE INDEX admin_sessions_token_id_idx ON admin_sessions (token_id)',
    );
    await queryRunner.query(
      'CREATE INDEX admin_sessions_expires_at_idx ON admin_sessions (expires_at)',
    );
    await queryRunner.query(`ALTER TABLE providers ADD COLUMN api_key_encrypted text NULL`);
    await queryRunner.query(`
      COMMENT ON COLUMN providers.api_key_encrypted IS
        'API key set through the admin API: AES-256-GCM (v1:iv:tag:ciphertext, base64) under STILTS_SECRET_KEY or STILTS_HOME/secret.key; wins over api_key_env.'
    `);
    await queryRunner.query(`
      COMMENT ON COLUMN providers.api_key_env IS
        'Name of the environment variable that holds the API key (unless one is stored encrypted in api_key_encrypted).'
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE providers DROP COLUMN api_key_encrypted`);
    await queryRunner.query(`
      COMMENT ON COLUMN providers.api_key_env IS
        'Name of the environment variable that holds the API key; keys are never stored in the database.'
    `);
    await queryRunner.query('DROP TABLE admin_sessions');
    await queryRunner.query('DROP TABLE admin_tokens');
  }
}
