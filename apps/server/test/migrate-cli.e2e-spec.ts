import { afterEach, describe, expect, it } from '@jest/globals';
import { migrations } from '@stilts/migrations';
import { runMigrateCommand } from '../src/cli/migrate.js';
import { silentDatabaseLogger } from '../src/modules/database/database-logger.js';
import { dropSchema, randomSchemaName, testDatabaseUrl } from './support/test-database.js';

const NAMES = migrations.map((Migration) => new Migration().name);
const url = testDatabaseUrl();
let schema = randomSchemaName();

afterEach(async () => {
  await dropSchema(url, schema);
  schema = randomSchemaName();
});

async function migrate(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runMigrateCommand(
    args,
    { DATABASE_URL: url, DATABASE_SCHEMA: schema },
    { stdout: (l) => out.push(l), stderr: (l) => err.push(l), logger: silentDatabaseLogger },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('migrate CLI', () => {
  it('applies, reports, and reverts one migration at a time', async () => {
    expect(await migrate('status')).toEqual({
      code: 0,
      out: NAMES.map((n) => `[ ] ${n}`).join('\n'),
      err: '',
    });
    expect(await migrate('up')).toMatchObject({
      code: 0,
      out: NAMES.map((n) => `applied  ${n}`).join('\n'),
    });
    expect(await migrate('up')).toMatchObject({ code: 0, out: 'up to date' });
    expect(await migrate('down')).toMatchObject({ code: 0, out: `reverted ${NAMES.at(-1)}` });
    expect((await migrate('status')).out).toBe(
      NAMES.map((n, i) => `${i < NAMES.length - 1 ? '[x]' : '[ ]'} ${n}`).join('\n'),
    );
  });

  it('rejects a missing or unknown command with usage and exit code 2', async () => {
    expect(await migrate()).toMatchObject({ code: 2, err: expect.stringMatching(/^Usage:/) });
    expect(await migrate('sideways')).toMatchObject({ code: 2 });
  });

  it('fails with exit code 1 and a redacted URL when the database is unreachable', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runMigrateCommand(
      ['up'],
      { DATABASE_URL: 'postgres://stilts:hunter2@127.0.0.1:1/stilts' },
      { stdout: (l) => out.push(l), stderr: (l) => err.push(l), logger: silentDatabaseLogger },
    );
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(
      /migrate up failed: Cannot connect to PostgreSQL at postgres:\/\/stilts:\*\*\*@127\.0\.0\.1:1/,
    );
    expect(err.join('\n')).not.toContain('hunter2');
  });
});
