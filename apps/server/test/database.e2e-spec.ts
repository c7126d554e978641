import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import { migrations } from '@stilts/migrations';
import { loadConfig } from '../src/config/app-config.js';
import { DatabaseModule, databaseOptionsFrom } from '../src/modules/database/database.module.js';
import type { DatabaseLogger } from '../src/modules/database/database-logger.js';
import { DatabaseService } from '../src/modules/database/database.service.js';
import { withAdvisoryLock } from '../src/modules/database/with-advisory-lock.js';
import {
  createTestDatabase,
  dropSchema,
  randomSchemaName,
  testDatabaseUrl,
  type TestDatabase,
} from './support/test-database.js';

/** A promise with its resolve exposed. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves with the next value pushed to the returned `push`, or rejects after `ms`. */
function inbox<T>(ms = 3_000): {
  next: () => Promise<T>;
  push: (value: T) => void;
  queued: () => readonly T[];
} {
  const queue: T[] = [];
  const waiters: ((value: T) => void)[] = [];
  return {
    queued: () => queue,
    push(value) {
      const waiter = waiters.shift();
      if (waiter) waiter(value);
      else queue.push(value);
    },
    next() {
      const queued = queue.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`nothing arrived within ${ms} ms`)), ms);
        waiters.push((value) => {
          clearTimeout(timer);
          resolve(value);
        });
      });
    },
  };
}

/** Collects log lines by level. */
function recordingLogger(): DatabaseLogger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

let a: TestDatabase;
let b: TestDatabase;

beforeAll(async () => {
  [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});

afterAll(async () => {
  await Promise.all([a.drop(), b.drop()]);
});

describe('DatabaseService', () => {
  it('queries in its schema and returns rows, RETURNING rows included', async () => {
    await a.database.query(`CREATE TABLE counters (name text PRIMARY KEY, n integer NOT NULL)`);
    await a.database.query(`INSERT INTO counters VALUES ($1, $2), ($3, $4)`, ['x', 1, 'y', 2]);
    expect(
      await a.database.query(`UPDATE counters SET n = n + 10 WHERE name = $1 RETURNING n`, ['x']),
    ).toEqual([{ n: 11 }]);
    expect(await a.database.query(`DELETE FROM counters RETURNING name`)).toHaveLength(2);
    // The other schema does not see it: search_path is per service.
    await expect(b.database.query(`SELECT * FROM counters`)).rejects.toThrow(/does not exist/);
    const [path] = await a.database.query<{ search_path: string }>('SHOW search_path');
    expect(path?.search_path).toBe(a.schema);
  });

  it('namespaces channels and lock keys by schema', () => {
    expect(a.database.channel('catalog')).toBe(`stilts_${a.schema}_catalog`);
    expect(a.database.channel('catalog')).not.toBe(b.database.channel('catalog'));
    expect(a.database.lockKey('weights')).toBe(a.database.lockKey('weights'));
    expect(a.database.lockKey('weights')).not.toBe(b.database.lockKey('weights'));
    expect(a.database.lockKey('weights')).not.toBe(a.database.lockKey('partitions'));
  });

  it('runs shutdown tasks in order, with the database still open, before closing it', async () => {
    const logger = recordingLogger();
    const database = new DatabaseService(
      { url: a.url, schema: a.schema, poolSize: 2, runMigrations: false },
      logger,
    );
    await database.init();
    const ran: string[] = [];
    database.registerShutdownTask('flush', async () => {
      const [row] = await database.query<{ one: number }>('SELECT 1 AS one');
      ran.push(`flush:${row?.one}`);
    });
    database.registerShutdownTask('broken', () => Promise.reject(new Error('disk full')));
    database.registerShutdownTask('last', () => {
      ran.push(`last:${database.dataSource.isInitialized}`);
      return Promise.resolve();
    });
    await database.onApplicationShutdown();
    expect(ran).toEqual(['flush:1', 'last:true']);
    expect(logger.lines).toContain('error: shutdown task broken failed: disk full');
    expect(() => database.dataSource).toThrow(/not initialised/);
    await database.close(); // idempotent
  });

  it('applies migrations once when replicas start together on a new schema', async () => {
    const url = testDatabaseUrl();
    const schema = randomSchemaName();
    const replicas = [1, 2, 3].map(
      () =>
        new DatabaseService({ url, schema, poolSize: 1, runMigrations: true }, recordingLogger()),
    );
    try {
      await Promise.all(replicas.map((r) => r.init()));
      const rows = await replicas[0]!.query<{ n: string }>('SELECT count(*) AS n FROM migrations');
      expect(rows[0]?.n).toBe(String(migrations.length));
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
      await dropSchema(url, schema);
    }
  });
});

describe('DatabaseModule', () => {
  it('connects and migrates before anything can inject it, and closes with the app', async () => {
    const url = testDatabaseUrl();
    const schema = randomSchemaName();
    const config = loadConfig({ DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: '2' });
    const app = await NestFactory.createApplicationContext(
      DatabaseModule.forRoot(databaseOptionsFrom(config, url)),
      { logger: false },
    );
    try {
      const database = app.get(DatabaseService);
      expect(database.schema).toBe(schema);
      const [row] = await database.query<{ n: string }>('SELECT count(*) AS n FROM migrations');
      expect(row?.n).toBe(String(migrations.length));
      expect((await database.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      let drained = false;
      database.registerShutdownTask('drain', async () => {
        await database.query('SELECT 1');
        drained = true;
      });
      await app.close();
      expect(drained).toBe(true);
      expect(() => database.dataSource).toThrow(/not initialised/);
    } finally {
      await app.close();
      await dropSchema(url, schema);
    }
  });
});

describe('withAdvisoryLock', () => {
  it('lets one holder in at a time; the other gets acquired:false without running', async () => {
    const release = deferred();
    const entered = deferred();
    const first = withAdvisoryLock(a.database, 'weights', async () => {
      entered.resolve();
      await release.promise;
      return 'first';
    });
    await entered.promise;
    let secondRan = false;
    const second = await withAdvisoryLock(a.database, 'weights', () => {
      secondRan = true;
      return Promise.resolve('second');
    });
    expect(second).toEqual({ acquired: false });
    expect(secondRan).toBe(false);
    release.resolve();
    expect(await first).toEqual({ acquired: true, value: 'first' });
    // Released on the connection that took it: the next caller gets it.
    expect(await withAdvisoryLock(a.database, 'weights', () => Promise.resolve('third'))).toEqual({
      acquired: true,
      value: 'third',
    });
  });

  it('releases the lock when fn throws', async () => {
    await expect(
      withAdvisoryLock(a.database, 'job', () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(await withAdvisoryLock(a.database, 'job', () => Promise.resolve(1))).toEqual({
      acquired: true,
      value: 1,
    });
  });

  it('does not contend across schemas', async () => {
    const release = deferred();
    const entered = deferred();
    const held = withAdvisoryLock(a.database, 'leader', async () => {
      entered.resolve();
      await release.promise;
    });
    await entered.promise;
    expect(await withAdvisoryLock(b.database, 'leader', () => Promise.resolve('b'))).toEqual({
      acquired: true,
      value: 'b',
    });
    release.resolve();
    await held;
  });
});

describe('listen', () => {
  it('delivers NOTIFY payloads on the schema channel only, until unsubscribed', async () => {
    const channel = a.database.channel('catalog');
    const received = inbox<string>();
    const otherSchema = inbox<string>();
    const unsubscribe = await a.database.listen(channel, (payload) => received.push(payload));
    const unsubscribeB = await b.database.listen(b.database.channel('catalog'), (payload) =>
      otherSchema.push(payload),
    );

    await a.database.notify(channel, 'routes');
    expect(await received.next()).toBe('routes');

    // Same local name, other schema: a does not hear it.
    await b.database.notify(b.database.channel('catalog'), 'for b');
    expect(await otherSchema.next()).toBe('for b');

    // One listening session gets notifications in commit order, so once the sentinel (sent
    // last, on a channel still subscribed) is in, anything for `channel` would be too.
    const sentinel = inbox<string>();
    const unsubscribeSentinel = await a.database.listen(a.database.channel('sentinel'), (p) =>
      sentinel.push(p),
    );
    await unsubscribe();
    await a.database.notify(channel, 'after unsubscribe');
    await a.database.notify(a.database.channel('sentinel'), 'done');
    expect(await sentinel.next()).toBe('done');
    expect(received.queued()).toEqual([]);
    await unsubscribeB();
    await unsubscribeSentinel();
  });

  it('keeps other subscribers when one handler throws', async () => {
    const channel = a.database.channel('fanout');
    const received = inbox<string>();
    const unsubscribeBad = await a.database.listen(channel, () => {
      throw new Error('handler bug');
    });
    const unsubscribe = await a.database.listen(channel, (payload) => received.push(payload));
    await a.database.notify(channel, 'x');
    expect(await received.next()).toBe('x');
    await unsubscribeBad();
    await unsubscribe();
  });

  it('reconnects and re-subscribes after its connection is terminated', async () => {
    const logger = recordingLogger();
    const database = new DatabaseService(
      { url: a.url, schema: a.schema, poolSize: 2, runMigrations: false },
      logger,
    );
    await database.init();
    try {
      const channel = database.channel('invalidate');
      const received = inbox<string>(10_000);
      const reconnected = deferred();
      await database.listen(channel, (payload) => received.push(payload), {
        onReconnect: () => reconnected.resolve(),
      });
      await database.notify(channel, 'before');
      expect(await received.next()).toBe('before');

      const pid = database.listenerPid;
      expect(pid).toEqual(expect.any(Number));
      const [killed] = await a.database.query<{ ok: boolean }>(
        'SELECT pg_terminate_backend($1) AS ok',
        [pid],
      );
      expect(killed?.ok).toBe(true);
      await reconnected.promise;
      expect(database.listenerPid).not.toBe(pid);

      await database.notify(channel, 'after');
      expect(await received.next()).toBe('after');
      expect(logger.lines.some((l) => l.startsWith('warn: LISTEN connection lost'))).toBe(true);
    } finally {
      await database.close();
    }
  }, 20_000);
});
