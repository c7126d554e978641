import { migrations } from '@stilts/migrations';
import pg from 'pg';
import {
  DataSource,
  MigrationExecutor,
  type DataSourceOptions,
  type Logger as TypeOrmLogger,
  type QueryRunner,
} from 'typeorm';
import type { DatabaseLogger } from './database-logger.js';
import { advisoryLockKey, assertSchemaName, redactUrl } from './database-names.js';

/** What {@link createDataSource} connects to and how. */
export interface DataSourceFactoryOptions {
  /** postgres:// URL; its password is never logged. */
  readonly url: string;
  /** Schema for every Stilts table; created if missing and forced as each connection's search_path. */
  readonly schema: string;
  /** Connections in the pool. */
  readonly poolSize: number;
  readonly logger: DatabaseLogger;
  /** `application_name` shown in pg_stat_activity. Default `stilts`. */
  readonly applicationName?: string;
  /** TypeORM entities, for modules that want repositories; the schema itself comes from migrations. */
  readonly entities?: DataSourceOptions['entities'];
}

/** One migration and whether the database has it. */
export interface MigrationState {
  readonly name: string;
  readonly applied: boolean;
}

/** TypeORM's internal chatter goes to debug; slow queries to warn. Parameters are never logged. */
class TypeOrmLogAdapter implements TypeOrmLogger {
  constructor(private readonly logger: DatabaseLogger) {}

  logQuery(): void {
    // Per-query logging would put the hot path's statements in the log; not wanted.
  }

  logQueryError(error: string | Error, query: string): void {
    // The caller gets the error and decides; this is only context for debugging.
    const message = error instanceof Error ? error.message : error;
    this.logger.debug(`query failed: ${message} -- ${query.trim().slice(0, 500)}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${query.trim().slice(0, 500)}`);
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (level === 'warn') this.logger.warn(text);
    else this.logger.debug(text);
  }
}

/**
 * Creates `schema` unless it exists. Existence is checked first so a role without CREATE on
 * the database can still use a schema an administrator made for it; a concurrent creation by
 * another replica is not an error.
 */
export async function ensureSchema(url: string, schema: string): Promise<boolean> {
  assertSchemaName(schema);
  const client = new pg.Client({ connectionString: url, application_name: 'stilts' });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (existing.rowCount) return false;
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(schema)}`);
    } catch (error) {
      // 23505: two sessions raced past IF NOT EXISTS; the schema exists either way.
      if ((error as { code?: string }).code !== '23505') throw error;
    }
    return true;
  } finally {
    await client.end();
  }
}

/**
 * Builds and initialises the TypeORM `DataSource` over `pg`: no synchronisation (the schema
 * is the migrations' job), the migrations of `@stilts/migrations` recorded in the table
 * `migrations`, one transaction per migration, and `search_path` set to `schema` on every
 * pooled connection, so unqualified names in migrations and queries land in that schema.
 * Creates the schema first when it is missing. Migrations are not run; see {@link runMigrations}.
 */
export async function createDataSource(options: DataSourceFactoryOptions): Promise<DataSource> {
  const { url, schema, logger } = options;
  assertSchemaName(schema);
  try {
    if (await ensureSchema(url, schema)) logger.info(`created schema ${schema}`);
  } catch (error) {
    throw new Error(
      `Cannot connect to PostgreSQL at ${redactUrl(url)} to prepare schema ${schema}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  const dataSource = new DataSource({
    type: 'postgres',
    driver: pg,
    url,
    schema,
    applicationName: options.applicationName ?? 'stilts',
    poolSize: options.poolSize,
    // Passed through to pg: a startup parameter, so it holds for every pooled connection
    // and survives a reconnect (a `SET` after connecting would not).
    extra: { options: `-c search_path=${schema}` },
    synchronize: false,
    migrationsRun: false,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    entities: options.entities ?? [],
    // TypeORM would otherwise try CREATE EXTENSION for entity column types; extensions are
    // database-wide and belong to an administrator, not to a schema's migrations.
    installExtensions: false,
    logging: ['error', 'warn', 'migration'],
    logger: new TypeOrmLogAdapter(logger),
  });
  await dataSource.initialize();
  return dataSource;
}

function schemaOf(dataSource: DataSource): string {
  const { options } = dataSource;
  if (options.type !== 'postgres' || !options.schema) {
    throw new Error('expected a PostgreSQL DataSource built by createDataSource');
  }
  return options.schema;
}

/**
 * Runs `fn` with a query runner that holds the schema's migration lock (a session advisory
 * lock, waited for), so replicas that start together apply each migration once: the second
 * waits, then finds nothing pending.
 */
async function withMigrationLock<T>(
  dataSource: DataSource,
  fn: (queryRunner: QueryRunner) => Promise<T>,
): Promise<T> {
  const key = advisoryLockKey(schemaOf(dataSource), 'migrations').toString();
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    try {
      // The migrations run on this same connection: a second one from the pool could
      // deadlock a pool of one.
      return await fn(queryRunner);
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    }
  } finally {
    await queryRunner.release();
  }
}

function executor(dataSource: DataSource, queryRunner: QueryRunner): MigrationExecutor {
  const migrationExecutor = new MigrationExecutor(dataSource, queryRunner);
  migrationExecutor.transaction = 'each';
  return migrationExecutor;
}

/** Applies every pending migration, each in its own transaction; returns their names. */
export async function runMigrations(
  dataSource: DataSource,
  logger: DatabaseLogger,
): Promise<string[]> {
  const applied = await withMigrationLock(dataSource, (queryRunner) =>
    executor(dataSource, queryRunner).executePendingMigrations(),
  );
  const names = applied.map((m) => m.name);
  const schema = schemaOf(dataSource);
  if (names.length === 0) logger.info(`database schema ${schema} is up to date`);
  else logger.info(`applied ${names.length} migration(s) to schema ${schema}: ${names.join(', ')}`);
  return names;
}

/** Reverts the most recently applied migration; returns its name (undefined: none applied). */
export async function revertLastMigration(
  dataSource: DataSource,
  logger: DatabaseLogger,
): Promise<string | undefined> {
  const reverted = await withMigrationLock(dataSource, async (queryRunner) => {
    const migrationExecutor = executor(dataSource, queryRunner);
    const executed = await migrationExecutor.getExecutedMigrations();
    // TypeORM reverts the one recorded last (highest id), not the newest by timestamp.
    const last = executed.reduce<(typeof executed)[number] | undefined>(
      (latest, m) => (latest === undefined || (m.id ?? 0) > (latest.id ?? 0) ? m : latest),
      undefined,
    );
    if (!last) return undefined;
    await migrationExecutor.undoLastMigration();
    return last.name;
  });
  const schema = schemaOf(dataSource);
  if (reverted) logger.info(`reverted migration ${reverted} in schema ${schema}`);
  else logger.info(`no migration to revert in schema ${schema}`);
  return reverted;
}

/** Every known migration in order, and whether it has been applied. */
export async function migrationStatus(dataSource: DataSource): Promise<MigrationState[]> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    const migrationExecutor = new MigrationExecutor(dataSource, queryRunner);
    // One after the other: both create the migrations table when it is missing.
    const executed = await migrationExecutor.getExecutedMigrations();
    const pending = await migrationExecutor.getPendingMigrations();
    const appliedNames = new Set(executed.map((m) => m.name));
    return [...executed, ...pending]
      .sort((a, b) => a.timestamp - b.timestamp)
      .map((m) => ({ name: m.name, applied: appliedNames.has(m.name) }));
  } finally {
    await queryRunner.release();
  }
}
