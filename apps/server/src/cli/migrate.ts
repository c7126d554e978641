import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createLogger } from '../common/logging/pino-logger.service.js';
import { ConfigError, loadConfig, type AppConfig } from '../config/app-config.js';
import type { DatabaseLogger } from '../modules/database/database-logger.js';
import {
  createDataSource,
  migrationStatus,
  revertLastMigration,
  runMigrations,
} from '../modules/database/data-source.factory.js';
import { resolveDatabase } from '../modules/database/resolve-database.js';

const USAGE = `Usage: node apps/server/dist/cli/migrate.js <up|down|status>

  up      apply every pending migration
  down    revert the most recently applied migration
  status  list the migrations and whether each is applied

Connects to DATABASE_URL (schema DATABASE_SCHEMA), or starts the embedded PostgreSQL under
STILTS_HOME when DATABASE_URL is unset. Logs go to stderr; results to stdout.`;

/** Where the command writes: results to `stdout`, progress to `logger`. */
export interface MigrateIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly logger?: DatabaseLogger;
}

/**
 * `migrate up|down|status` against the configured database. Returns the exit code: 0 done,
 * 1 failed, 2 bad usage or settings.
 */
export async function runMigrateCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
  io: MigrateIo,
): Promise<number> {
  const command = args[0];
  if (args.length !== 1 || (command !== 'up' && command !== 'down' && command !== 'status')) {
    io.stderr(USAGE);
    return 2;
  }
  let config: AppConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    io.stderr(error instanceof ConfigError ? error.message : String(error));
    return 2;
  }
  // Progress on stderr, so stdout carries only the result.
  const logger = io.logger ?? createLogger(config.LOG_LEVEL, pino.destination(2));
  let resolved: Awaited<ReturnType<typeof resolveDatabase>> | undefined;
  try {
    resolved = await resolveDatabase(config, logger);
    const dataSource = await createDataSource({
      url: resolved.url,
      schema: config.DATABASE_SCHEMA,
      poolSize: 2,
      logger,
      applicationName: 'stilts-migrate',
    });
    try {
      if (command === 'up') {
        const applied = await runMigrations(dataSource, logger);
        io.stdout(
          applied.length ? applied.map((name) => `applied  ${name}`).join('\n') : 'up to date',
        );
      } else if (command === 'down') {
        const reverted = await revertLastMigration(dataSource, logger);
        io.stdout(reverted ? `reverted ${reverted}` : 'nothing to revert');
      } else {
        const states = await migrationStatus(dataSource);
        io.stdout(
          states.map((s) => `${s.applied ? '[x]' : '[ ]'} ${s.name}`).join('\n') || 'no migrations',
        );
      }
    } finally {
      await dataSource.destroy();
    }
    return 0;
  } catch (error) {
    io.stderr(
      `migrate ${command} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  } finally {
    await resolved?.embedded?.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await runMigrateCommand(process.argv.slice(2), process.env, {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  });
}
