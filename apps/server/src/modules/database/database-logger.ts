import { Logger } from '@nestjs/common';

/**
 * The log sink of the database layer. A pino logger satisfies it as is; inside Nest,
 * {@link nestDatabaseLogger} adapts Nest's `Logger`. Messages are plain text and never carry a
 * password or a connection URL with one (see `redactUrl`).
 */
export interface DatabaseLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Discards everything: for tests and tools that print their own output. */
export const silentDatabaseLogger: DatabaseLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Routes database logs through Nest's logger (and so the application's), under `context`. */
export function nestDatabaseLogger(context = 'Database'): DatabaseLogger {
  const logger = new Logger(context);
  return {
    debug: (message) => logger.debug(message),
    info: (message) => logger.log(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
}
