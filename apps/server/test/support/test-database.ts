import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import {
  silentDatabaseLogger,
  type DatabaseLogger,
} from '../../src/modules/database/database-logger.js';
import { DatabaseService } from '../../src/modules/database/database.service.js';

/** A fresh schema with its own {@link DatabaseService}; {@link drop} removes both. */
export interface TestDatabase {
  /** The database URL (the schema is not in it: connections set search_path). */
  readonly url: string;
  /** `t_<random>`. */
  readonly schema: string;
  readonly database: DatabaseService;
  readonly dataSource: DataSource;
  /** Closes the service (running its shutdown tasks) and drops the schema with everything in it. */
  drop(): Promise<void>;
}

/**
 * The PostgreSQL the tests use: `DATABASE_URL` (CI: the machine's server), else the one the
 * Jest global setup started for this run.
 */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL ?? process.env.STILTS_TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'No test database: set DATABASE_URL, or run through Jest so its global setup starts one.',
    );
  }
  return url;
}

/** A schema name no other test file (or run) will pick. */
export function randomSchemaName(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/**
 * Creates the schema `t_<random>` and a {@link DatabaseService} on it, with every migration
 * applied unless `migrate` is false. Each test file works in its own schema, so files run in
 * parallel against one server.
 */
export async function createTestDatabase(
  options: { migrate?: boolean; poolSize?: number; logger?: DatabaseLogger } = {},
): Promise<TestDatabase> {
  const url = testDatabaseUrl();
  const schema = randomSchemaName();
  const database = new DatabaseService(
    { url, schema, poolSize: options.poolSize ?? 4, runMigrations: options.migrate ?? true },
    options.logger ?? silentDatabaseLogger,
  );
  await database.init();
  return {
    url,
    schema,
    database,
    dataSource: database.dataSource,
    async drop() {
      await database.close();
      await dropSchema(url, schema);
    },
  };
}

/** Drops `schema` and everything in it (used by {@link TestDatabase.drop} and for strays). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
