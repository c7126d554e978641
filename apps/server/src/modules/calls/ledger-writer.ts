import type { AttemptRecord } from './call-record.js';

/** Writes attempt records to durable storage. */
export interface LedgerWriter {
  /**
   * Inserts the records idempotently (a record already stored is skipped) and adds the ones
   * actually inserted to the rollups, atomically. Resolves with how many were new.
   */
  write(records: readonly AttemptRecord[]): Promise<number>;
}

/**
 * Errors that retrying cannot fix because the data itself is refused (SQLSTATE class 22, data
 * exception, or 23, integrity violation). Everything else — connection loss, timeouts,
 * shutdowns, lock and serialisation failures, and anything unrecognised — is treated as
 * transient: the records are kept and retried, never dropped.
 */
export function isPermanentWriteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code);
}
