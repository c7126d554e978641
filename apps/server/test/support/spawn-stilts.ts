import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { credentialsPath, readCredentialLines } from '../../src/common/credentials-file.js';
import { randomSchemaName, testDatabaseUrl } from './test-database.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface StiltsProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The database schema this server uses (a fresh one unless the caller gave one). */
  readonly schema: string;
  readonly databaseUrl: string;
  /** STILTS_HOME of this server (a fresh temp dir unless the caller gave one). */
  readonly home: string;
  /** The development API key the server created on first start (from STILTS_HOME/credentials). */
  readonly apiKey: string | undefined;
  /** Every log line so far (JSON lines from pino, or raw text). */
  readonly lines: string[];
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * Runs the built server (`apps/server/dist/main.js`, built by `npm test`'s build step) as a
 * child process on a free port, on the test database in its own schema (unless `env` names
 * one), and waits until it listens. Drop the schema with `dropSchema` when done.
 */
export async function spawnStilts(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<StiltsProcess> {
  const databaseUrl = env.DATABASE_URL ?? testDatabaseUrl();
  const schema = env.DATABASE_SCHEMA ?? randomSchemaName();
  const home = env.STILTS_HOME ?? (await mkdtemp(path.join(tmpdir(), 'stilts-home-')));
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
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onLine = (line: string): void => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  if (!child.stdout || !child.stderr) throw new Error('no stdio');
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const waitForLine = (pattern: RegExp, ms = timeoutMs): Promise<string> => {
    const seen = lines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no log line matching ${pattern} in ${ms} ms:\n${lines.join('\n')}`)),
        ms,
      );
      waiters.push({
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`server exited before logging ${pattern}:\n${lines.join('\n')}`));
      });
    });
  };
  const listening = await waitForLine(/Stilts is listening/);
  const url = (JSON.parse(listening) as { url: string }).url;
  const credentials = new Map(await readCredentialLines(credentialsPath(home)));
  const apiKey = credentials.get('STILTS_API_KEY');
  return { child, url, schema, databaseUrl, home, apiKey, lines, exited, waitForLine };
}
