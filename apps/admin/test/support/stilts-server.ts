import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const MAIN = fileURLToPath(new URL('../../../server/dist/main.js', import.meta.url));

/** A built Stilts server running as a child process, on its own schema and STILTS_HOME. */
export interface StiltsServer {
  readonly url: string;
  readonly databaseUrl: string;
  readonly schema: string;
  readonly home: string;
  /** `NAME=value` lines of STILTS_HOME/credentials, written on first start. */
  readonly credentials: ReadonlyMap<string, string>;
  readonly lines: readonly string[];
  /** SIGTERM, wait for the exit, drop the schema, remove STILTS_HOME. */
  stop(): Promise<void>;
}

/**
 * The PostgreSQL of the test run: DATABASE_URL, else the one the Jest global setup started
 * (the server project's setup, shared by this project).
 */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL ?? process.env.STILTS_TEST_DATABASE_URL;
  if (!url) throw new Error('No test database: set DATABASE_URL or run through Jest.');
  return url;
}

async function readCredentials(home: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path.join(home, 'credentials'), 'utf8');
  } catch {
    return new Map();
  }
  return new Map(
    text
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line): [string, string] => [
        line.slice(0, line.indexOf('=')),
        line.slice(line.indexOf('=') + 1),
      ]),
  );
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Starts `apps/server/dist/main.js` (built by `npm test`'s build step, with the dashboard in
 * `apps/admin/dist`) on a free port, in a fresh schema of the test database and a fresh
 * STILTS_HOME, and waits until it listens.
 */
export async function startStiltsServer(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<StiltsServer> {
  const databaseUrl = testDatabaseUrl();
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const home = await mkdtemp(path.join(tmpdir(), 'stilts-admin-e2e-'));
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      STILTS_HOME: home,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Stilts did not start in ${timeoutMs} ms:\n${lines.join('\n')}`)),
      timeoutMs,
    );
    const onLine = (line: string): void => {
      lines.push(line);
      if (line.includes('Stilts is listening')) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    if (!child.stdout || !child.stderr) throw new Error('no stdio');
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`Stilts exited before listening:\n${lines.join('\n')}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    await dropSchema(databaseUrl, schema).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  };
  let url: string;
  try {
    url = (JSON.parse(await listening) as { url: string }).url;
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, databaseUrl, schema, home, credentials: await readCredentials(home), lines, stop };
}

/**
 * The admin token the server created on first start (STILTS_HOME/credentials,
 * `STILTS_ADMIN_TOKEN`): the one an operator logs in with.
 */
export function adminToken(server: StiltsServer): string {
  const saved = server.credentials.get('STILTS_ADMIN_TOKEN');
  if (!saved) {
    throw new Error(
      `no STILTS_ADMIN_TOKEN in ${server.home}/credentials:\n${server.lines.join('\n')}`,
    );
  }
  return saved;
}
