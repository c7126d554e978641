import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseLogger } from '../src/modules/database/database-logger.js';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresServer,
} from '../src/modules/database/embedded-postgres.js';

const STARTUP = 60_000;

function recordingLogger(): DatabaseLogger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => resolve(server));
  });
}

async function freePort(): Promise<number> {
  const server = await listenOnFreePort();
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let home: string;
let running: EmbeddedPostgresServer[] = [];
let children: ChildProcess[] = [];

async function start(logger: DatabaseLogger, port?: number): Promise<EmbeddedPostgresServer> {
  const server = await startEmbeddedPostgres({ home, port: port ?? (await freePort()), logger });
  running.push(server);
  return server;
}

beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'stilts-home-'));
});

afterEach(async () => {
  for (const server of running) await server.stop();
  for (const child of children) child.kill('SIGKILL');
  running = [];
  children = [];
  await rm(home, { recursive: true, force: true });
});

describe('startEmbeddedPostgres', () => {
  it(
    'initialises once, keeps data and password across restarts, and never logs the password',
    async () => {
      const logger = recordingLogger();
      const first = await start(logger);
      const password = (await readFile(path.join(home, 'pg-password'), 'utf8')).trim();
      expect(password.length).toBeGreaterThanOrEqual(24);
      expect((await stat(path.join(home, 'pg-password'))).mode & 0o777).toBe(0o600);
      expect(new URL(first.url).password).toBe(password);
      expect(first.redactedUrl).not.toContain(password);
      expect(new URL(first.url).pathname).toBe('/stilts');

      await withClient(first.url, async (client) => {
        await client.query('CREATE TABLE kept (v text)');
        await client.query(`INSERT INTO kept VALUES ('still here')`);
        const { rows } = await client.query<{ server_encoding: string }>('SHOW server_encoding');
        expect(rows[0]?.server_encoding).toBe('UTF8');
      });
      await first.stop();

      const second = await start(logger);
      expect(second.url).toBe(first.url.replace(/:\d+\//, `:${new URL(second.url).port}/`));
      expect(await withClient(second.url, (c) => c.query('SELECT v FROM kept'))).toMatchObject({
        rows: [{ v: 'still here' }],
      });
      expect(logger.lines.filter((l) => l.includes('initialising a new cluster'))).toHaveLength(1);
      expect(logger.lines.join('\n')).not.toContain(password);
    },
    STARTUP,
  );

  it(
    'recovers from a postmaster.pid left by a crash whose pid now belongs to another program',
    async () => {
      const logger = recordingLogger();
      const first = await start(logger);
      await withClient(first.url, (c) => c.query('CREATE TABLE survived (v int)'));
      // A hard kill: PostgreSQL leaves its pid file and must do crash recovery.
      const pidFile = path.join(first.dataDir, 'postmaster.pid');
      const postmaster = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
      const backends = await childrenOf(postmaster);
      expect(backends.length).toBeGreaterThan(0);
      process.kill(postmaster, 'SIGKILL');
      running = running.filter((s) => s !== first);
      // Its backends notice the postmaster is gone and exit; only then is the data dir free.
      await waitUntil(() => Promise.resolve(![postmaster, ...backends].some(isAlive)));
      // The pid has since been reused by something that is not postgres, running as the
      // server's user: on its own, PostgreSQL would refuse to start ("lock file already
      // exists"; a pid of another user it would take for stale).
      const impostor = spawn('sleep', ['60'], { stdio: 'ignore', ...(await serverUser()) });
      children.push(impostor);
      const lines = (await readFile(pidFile, 'utf8')).split('\n');
      lines[0] = String(impostor.pid);
      await writeFile(pidFile, lines.join('\n'));

      const second = await start(logger);
      const { rowCount } = await withClient(second.url, (c) => c.query('SELECT * FROM survived'));
      expect(rowCount).toBe(0);
      expect(logger.lines.some((l) => /warn: .*removed stale .*postmaster\.pid/.test(l))).toBe(
        true,
      );
    },
    STARTUP,
  );

  it(
    'refuses to start on a data directory a running postgres still uses',
    async () => {
      await start(recordingLogger());
      await expect(start(recordingLogger())).rejects.toThrow(
        /in use by a running postgres \(pid \d+\)/,
      );
    },
    STARTUP,
  );

  it('says so when the port is taken', async () => {
    const squatter = await listenOnFreePort();
    try {
      const address = squatter.address();
      if (typeof address !== 'object' || !address) throw new Error('no port');
      await expect(start(recordingLogger(), address.port)).rejects.toThrow(
        new RegExp(`Port ${address.port} on 127.0.0.1 is already in use`),
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it(
    'refuses an existing cluster whose password file is gone',
    async () => {
      const first = await start(recordingLogger());
      await first.stop();
      await rm(path.join(home, 'pg-password'));
      await expect(start(recordingLogger())).rejects.toThrow(/pg-password is missing/);
    },
    STARTUP,
  );

  it(
    'tightens the mode of a pre-existing password file',
    async () => {
      await writeFile(path.join(home, 'pg-password'), 'old\n');
      await chmod(path.join(home, 'pg-password'), 0o644);
      await start(recordingLogger());
      expect((await stat(path.join(home, 'pg-password'))).mode & 0o777).toBe(0o600);
      expect((await readFile(path.join(home, 'pg-password'), 'utf8')).trim()).not.toBe('old');
    },
    STARTUP,
  );
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** As root, the embedded server runs as the `postgres` user; otherwise as us. */
async function serverUser(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const { execFileSync } = await import('node:child_process');
  const id = (flag: string): number =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

/** Direct children of `pid` (Linux /proc). */
async function childrenOf(pid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const statLine = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 (ppid) follows the parenthesised command name, which may contain spaces.
    const ppid = Number(statLine.slice(statLine.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) pids.push(Number(entry));
  }
  return pids;
}

async function waitUntil(condition: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
