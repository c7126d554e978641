import type { DataSource } from 'typeorm';

/** What {@link withAdvisoryLock} needs: a pool and schema-namespaced lock keys. */
export interface AdvisoryLockDatabase {
  readonly dataSource: DataSource;
  lockKey(name: string): bigint;
}

/** Whether the lock was had, and `fn`'s result when it was. */
export type AdvisoryLockResult<T> = { acquired: true; value: T } | { acquired: false };

/**
 * Runs `fn` while holding the session advisory lock `name` (namespaced by schema), or not at
 * all when another session holds it: the shape of a leader-only job tick. The lock is taken
 * with `pg_try_advisory_lock` (never waits) on one pooled connection, kept for the duration of
 * `fn`, and released on that same connection — session locks belong to the connection that
 * took them. If the connection dies meanwhile, PostgreSQL releases the lock with the session.
 */
export async function withAdvisoryLock<T>(
  database: AdvisoryLockDatabase,
  name: string,
  fn: () => Promise<T>,
): Promise<AdvisoryLockResult<T>> {
  const key = database.lockKey(name).toString();
  const queryRunner = database.dataSource.createQueryRunner();
  try {
    const rows = (await queryRunner.query('SELECT pg_try_advisory_lock($1::bigint) AS acquired', [
      key,
    ])) as { acquired: boolean }[];
    if (rows[0]?.acquired !== true) return { acquired: false };
    try {
      return { acquired: true, value: await fn() };
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    }
  } finally {
    await queryRunner.release();
  }
}
