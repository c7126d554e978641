// Runs the built gateway (`apps/server/dist/main.js`) as a child process, so that its CPU and
// memory can be measured apart from the load generator, and stops it the way an orchestrator
// does (SIGTERM: stop intake, finish in-flight requests, drain the call recorder, exit).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnWithLines } from './child-process.mjs';

export const STILTS_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * The node flags `npm start` runs Stilts with (the root package.json's start script; the
 * Dockerfile uses the same), so that benchmarks measure the gateway as it ships.
 */
export const PRODUCTION_NODE_ARGS = (() => {
  const rootPackage = JSON.parse(
    readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'),
  );
  const match = /node((?:\s+--[\w-]+(?:=\S+)?)*)\s+apps\/server\/dist\/main\.js/.exec(
    rootPackage.scripts.start,
  );
  if (!match) throw new Error('cannot find the node command in the root start script');
  return match[1].trim().split(/\s+/).filter(Boolean);
})();

/**
 * On a first start Stilts prints the credentials it created (on stdout, outside the log); keep
 * them out of the lines a benchmark may show in an error.
 */
function redactCredentials(line) {
  return /api key|admin token|STILTS_API_KEY|STILTS_ADMIN_TOKEN|password|secret/i.test(line)
    ? '[line with a credential removed]'
    : line;
}

/** `GET /health/live` answers 200: the HTTP server is up (it needs no credentials). */
async function probe(url) {
  try {
    const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Starts Stilts with `env` (plus PATH and HOME; nothing else is inherited) on 127.0.0.1 and a
 * free port (or `env.PORT`), and resolves once it serves: when it logs "Stilts is listening"
 * (pino JSON on stdout, field `url`) or — with LOG_LEVEL above info, where that line is not
 * written — when `GET /health/live` answers 200. `nodeArgs` go before the script (e.g.
 * `--cpu-prof`). Always `stop()` it (also on failure paths).
 *
 * With `awaitCredentials` (and `env.STILTS_HOME`), it also waits for the credentials a first
 * start writes to `STILTS_HOME/credentials` (after the server listens) and returns them as
 * `credentials: { apiKey, adminToken }`: secrets, to send and never to print.
 */
export async function startStiltsProcess({
  env = {},
  nodeArgs = [],
  timeoutMs = 60_000,
  awaitCredentials = false,
  main = STILTS_MAIN,
  wrapper = [],
} = {}) {
  if (awaitCredentials && !env.STILTS_HOME) {
    throw new Error('startStiltsProcess: awaitCredentials needs env.STILTS_HOME');
  }
  const port = env.PORT ?? String(await freePort());
  const host = env.HOST ?? '127.0.0.1';
  const processEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...env,
    HOST: host,
    PORT: port,
  };
  const command = [...wrapper, process.execPath, ...PRODUCTION_NODE_ARGS, ...nodeArgs, main];
  const proc = spawnWithLines(command[0], command.slice(1), {
    env: processEnv,
    cwd: path.resolve(path.dirname(main), '../../..'),
    name: 'stilts',
    redact: redactCredentials,
  });
  const fallbackUrl = `http://${host}:${port}`;
  const deadline = Date.now() + timeoutMs;
  let polling = true;
  const listening = proc
    .waitForLine((line) => line.includes('Stilts is listening'), timeoutMs)
    .then((line) => {
      try {
        return JSON.parse(line).url ?? fallbackUrl;
      } catch {
        return fallbackUrl;
      }
    });
  const probed = (async () => {
    while (polling && Date.now() < deadline) {
      if (proc.child.exitCode !== null) break;
      if (await probe(fallbackUrl)) return fallbackUrl;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return new Promise(() => undefined); // the log line (or its timeout) decides
  })();
  let url;
  let credentials;
  try {
    url = await Promise.race([listening, probed]);
    if (awaitCredentials) {
      // Written after the server listens, before the "listening" line: poll for it.
      while (!(credentials = await readStiltsCredentials(env.STILTS_HOME))) {
        if (proc.child.exitCode !== null) {
          throw new Error(`stilts exited (${proc.child.exitCode}) before writing its credentials`);
        }
        if (Date.now() > deadline) {
          throw new Error(`stilts wrote no credentials within ${timeoutMs} ms:\n${proc.tail()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } catch (error) {
    await proc.stop(5_000);
    throw error;
  } finally {
    polling = false;
  }
  listening.catch(() => undefined);
  return { ...proc, url, port: Number(port), credentials };
}

/**
 * The credentials Stilts created for itself on a first start (`<STILTS_HOME>/credentials`):
 * `{ apiKey, adminToken }` (either may be undefined), or undefined when there is no file yet.
 * Secrets: send them, never print them.
 */
export async function readStiltsCredentials(home) {
  let text;
  try {
    text = await readFile(path.join(home, 'credentials'), 'utf8');
  } catch {
    return undefined;
  }
  const value = (name) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}=`));
    return line ? line.slice(name.length + 1).trim() || undefined : undefined;
  };
  return { apiKey: value('STILTS_API_KEY'), adminToken: value('STILTS_ADMIN_TOKEN') };
}

/**
 * The API key Stilts created for itself on a first start (`STILTS_API_KEY` in
 * `<STILTS_HOME>/credentials`), or undefined when there is none (builds without API keys).
 * A secret: send it, never print it.
 */
export async function readStiltsApiKey(home) {
  return (await readStiltsCredentials(home))?.apiKey;
}
