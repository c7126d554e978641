import type { OnApplicationShutdown } from '@nestjs/common';
import pg, { type Pool, type QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import {
  createDataSource,
  runMigrations,
  type DataSourceFactoryOptions,
} from './data-source.factory.js';
import type { DatabaseLogger } from './database-logger.js';
import { advisoryLockKey, assertSchemaName, channelName, redactUrl } from './database-names.js';
import {
  PgListener,
  type ListenOptions,
  type NotificationHandler,
  type Unsubscribe,
} from './pg-listener.js';

/** How the {@link DatabaseService} connects; built from `AppConfig` by `databaseOptionsFrom`. */
export interface DatabaseOptions {
  /** postgres:// URL (DATABASE_URL, or the embedded server's). */
  readonly url: string;
  /** DATABASE_SCHEMA. */
  readonly schema: string;
  /** DATABASE_POOL_SIZE. */
  readonly poolSize: number;
  /** MIGRATIONS_RUN: apply pending migrations during {@link DatabaseService.init}. */
  readonly runMigrations: boolean;
  /** TypeORM entities, for modules that want repositories. */
  readonly entities?: DataSourceFactoryOptions['entities'];
}

interface ShutdownTask {
  readonly name: string;
  readonly run: () => Promise<void>;
}

/**
 * The process's one connection to PostgreSQL: the TypeORM `DataSource` (pool), the LISTEN
 * connection, schema-namespaced channel names and advisory-lock keys, and an ordered shutdown
 * that lets other modules write their last rows before the pool closes.
 *
 * Usable without Nest (tests, the migration CLI): `new DatabaseService(options, logger)`, then
 * {@link init}, and {@link close} at the end.
 */
export class DatabaseService implements OnApplicationShutdown {
  /** The schema every table lives in (the connections' search_path). */
  readonly schema: string;
  private source: DataSource | undefined;
  private initialising: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly listener: PgListener;
  private readonly shutdownTasks: ShutdownTask[] = [];

  constructor(
    private readonly options: DatabaseOptions,
    private readonly logger: DatabaseLogger,
  ) {
    assertSchemaName(options.schema);
    this.schema = options.schema;
    this.listener = new PgListener(options.url, logger);
  }

  /**
   * Connects (creating the schema if needed) and, when `runMigrations` is set, applies the
   * pending migrations. Idempotent.
   */
  init(): Promise<void> {
    this.initialising ??= (async () => {
      const dataSource = await createDataSource({
        url: this.options.url,
        schema: this.schema,
        poolSize: this.options.poolSize,
        logger: this.logger,
        entities: this.options.entities,
      });
      try {
        if (this.options.runMigrations) await runMigrations(dataSource, this.logger);
      } catch (error) {
        await dataSource.destroy();
        throw error;
      }
      this.source = dataSource;
      this.logger.info(
        `connected to PostgreSQL at ${redactUrl(this.options.url)} (schema ${this.schema}, pool ${this.options.poolSize})`,
      );
    })();
    return this.initialising;
  }

  /** The initialised DataSource. Throws before {@link init} has finished or after {@link close}. */
  get dataSource(): DataSource {
    if (!this.source?.isInitialized) throw new Error('the database is not initialised');
    return this.source;
  }

  /**
   * The pg pool behind the DataSource, for bulk writes (multi-row INSERT, COPY) that gain
   * nothing from TypeORM. Connections from it have the schema's search_path too.
   */
  get pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  /**
   * A new connection outside the pool, in this schema, for sessions that must outlive a
   * query (a leader's advisory lock). The caller connects, handles its 'error' event, and ends it.
   */
  createClient(applicationName: string): pg.Client {
    return new pg.Client({
      connectionString: this.options.url,
      application_name: applicationName,
      options: `-c search_path=${this.schema}`,
    });
  }

  /**
   * Runs one statement on a pooled connection and returns its rows (for UPDATE/DELETE, the
   * RETURNING rows). `bigint` columns come back as strings, as pg returns them, so money is
   * never silently rounded; convert where the range is known.
   */
  async query<T extends QueryResultRow = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<T[]> {
    const queryRunner = this.dataSource.createQueryRunner();
    try {
      const result = await queryRunner.query(sql, [...params], true);
      return (result as { records?: T[] }).records ?? [];
    } finally {
      await queryRunner.release();
    }
  }

  /**
   * The NOTIFY channel for `name` in this schema (`stilts_<schema>_<name>`). Channels are
   * database-wide; the schema keeps installations (and parallel test files) sharing a
   * database apart.
   */
  channel(name: string): string {
    return channelName(this.schema, name);
  }

  /** A stable advisory-lock key for `name`, distinct per schema (advisory locks are database-wide). */
  lockKey(name: string): bigint {
    return advisoryLockKey(this.schema, name);
  }

  /**
   * Subscribes to NOTIFYs on `channel` (use {@link channel} to name it) over the dedicated
   * LISTEN connection, which reconnects and re-subscribes by itself. Resolves once listening.
   */
  listen(
    channel: string,
    handler: NotificationHandler,
    options?: ListenOptions,
  ): Promise<Unsubscribe> {
    return this.listener.listen(channel, handler, options);
  }

  /** Sends a NOTIFY on `channel` (delivered when the current transaction, if any, commits). */
  async notify(channel: string, payload = ''): Promise<void> {
    await this.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /** Backend pid of the LISTEN connection when connected (diagnostics and tests). */
  get listenerPid(): number | undefined {
    return this.listener.pid;
  }

  /**
   * Registers work to run at shutdown while the database is still open — e.g. the call
   * recorder's final flush, after the HTTP server has stopped taking requests. Tasks run in
   * registration order, one at a time; a failure is logged and the next task still runs.
   * Tasks should bound their own duration.
   */
  registerShutdownTask(name: string, task: () => Promise<void>): void {
    this.shutdownTasks.push({ name, run: task });
  }

  /** Nest calls this after the HTTP server closed (app.close()). */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Runs the shutdown tasks, then closes the LISTEN connection and the pool. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const task of this.shutdownTasks) {
        try {
          await task.run();
        } catch (error) {
          this.logger.error(
            `shutdown task ${task.name} failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      await this.listener.close();
      await this.initialising?.catch(() => undefined);
      if (this.source?.isInitialized) await this.source.destroy();
      this.source = undefined;
      this.logger.debug('database connections closed');
    })();
    return this.closing;
  }
}
