// A child process whose output is read line by line: wait for a line, keep the last lines for
// error messages, stop it with SIGTERM (then SIGKILL) and await its exit.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

const KEPT_LINES = 200;

/** A free TCP port on 127.0.0.1 (free now; bind it soon). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `command args` with exactly `env` (nothing inherited: a benchmark must not pick up
 * the caller's provider keys or DATABASE_URL by accident) and stdout/stderr read as lines.
 * `redact(line)` rewrites each line before it is kept or matched (to keep secrets out of
 * error messages).
 */
export function spawnWithLines(command, args, { env, cwd, name = command, redact } = {}) {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const waiters = new Set();
  const onLine = (raw) => {
    const line = redact ? redact(raw) : raw;
    lines.push(line);
    if (lines.length > KEPT_LINES) lines.shift();
    for (const waiter of waiters) waiter(line);
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => {
      onLine(`spawn error: ${error.message}`);
      resolve('spawn-error');
    });
  });
  const tail = () => lines.slice(-30).join('\n');

  /** Resolves with the first line (seen or future) that `test` accepts; rejects on exit or timeout. */
  function waitForLine(test, timeoutMs) {
    const seen = lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const finish = (fn, value) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        fn(value);
      };
      const waiter = (line) => {
        if (test(line)) finish(resolve, line);
      };
      const timer = setTimeout(
        () =>
          finish(
            reject,
            new Error(`${name}: no expected output within ${timeoutMs} ms:\n${tail()}`),
          ),
        timeoutMs,
      );
      waiters.add(waiter);
      void exited.then((code) =>
        finish(reject, new Error(`${name} exited (${code}) before it was ready:\n${tail()}`)),
      );
    });
  }

  let stopping;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal name. */
  function stop(graceMs = 30_000) {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopping;
  }

  return { child, pid: child.pid, lines, exited, tail, waitForLine, stop };
}
