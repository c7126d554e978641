import type { AppConfig } from '../../config/app-config.js';
import type { DatabaseLogger } from './database-logger.js';
import { redactUrl } from './database-names.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/** The database to use, and the embedded server to stop at exit when one was started. */
export interface ResolvedDatabase {
  /** postgres:// URL, password included: never log it. */
  readonly url: string;
  /** Present when Stilts started its own PostgreSQL; stop it after the app has closed. */
  readonly embedded?: { stop(): Promise<void> };
}

/**
 * Where the database comes from: `DATABASE_URL` when set, else an embedded PostgreSQL with its
 * data under `STILTS_HOME/pg` on `EMBEDDED_POSTGRES_PORT` (started here).
 */
export async function resolveDatabase(
  config: Pick<AppConfig, 'DATABASE_URL' | 'STILTS_HOME' | 'EMBEDDED_POSTGRES_PORT'>,
  logger: DatabaseLogger,
): Promise<ResolvedDatabase> {
  if (config.DATABASE_URL) {
    logger.info(`using PostgreSQL at ${redactUrl(config.DATABASE_URL)} (DATABASE_URL)`);
    return { url: config.DATABASE_URL };
  }
  logger.info(
    `DATABASE_URL is not set: starting an embedded PostgreSQL in ${config.STILTS_HOME}/pg`,
  );
  const server = await startEmbeddedPostgres({
    home: config.STILTS_HOME,
    port: config.EMBEDDED_POSTGRES_PORT,
    logger,
  });
  return { url: server.url, embedded: { stop: () => server.stop() } };
}
