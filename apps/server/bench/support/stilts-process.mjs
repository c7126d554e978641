// Runs the built gateway (`apps/server/dist/main.js`) as a child process, so that its CPU and
// memory can be measured apart from the load generator, and stops it the way an orchestrator
// does (SIGTERM: stop intake, finish in-flight requests, drain the call recorder, exit).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnWithLines } from './child-process.mjs';

export const STILTS_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * On a first start Stilts prints the credentials it created (on stdout, outside the log); keep
 * them out of the lines a benchmark may show in an error.
 */
function redactCredentials(line) {
  return /api key|admin token|STILTS_API_KEY|STILTS_ADMIN_TOKEN|password|secret/i.test(line)
    ? '[line with a credential removed]'
    : line;
}

async function probe(url) {
  try {
    const response = await fetch(`${url}/v1/models`, { signal: AbortSignal.timeout(1_000) });
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
 * written — when `GET /v1/models` answers 200. `nodeArgs` go before the script (e.g.
 * `--cpu-prof`). Always `stop()` it (also on failure paths).
 */
export async function startStiltsProcess({ env = {}, nodeArgs = [], timeoutMs = 60_000 } = {}) {
  const port = env.PORT ?? String(await freePort());
  const host = env.HOST ?? '127.0.0.1';
  const processEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...env,
    HOST: host,
    PORT: port,
  };
  const proc = spawnWithLines(process.execPath, [...nodeArgs, STILTS_MAIN], {
    env: processEnv,
    cwd: path.resolve(path.dirname(STILTS_MAIN), '../../..'),
    name: 'stilts',
    redact: redactCredentials,
  });
  const fallbackUrl = `http://${host}:${port}`;
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
    const deadline = Date.now() + timeoutMs;
    while (polling && Date.now() < deadline) {
      if (proc.child.exitCode !== null) break;
      if (await probe(fallbackUrl)) return fallbackUrl;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return new Promise(() => undefined); // the log line (or its timeout) decides
  })();
  let url;
  try {
    url = await Promise.race([listening, probed]);
  } catch (error) {
    await proc.stop(5_000);
    throw error;
  } finally {
    polling = false;
  }
  listening.catch(() => undefined);
  return { ...proc, url, port: Number(port) };
}

/**
 * The API key Stilts created for itself on a first start (`STILTS_API_KEY` in
 * `<STILTS_HOME>/credentials`), or undefined when there is none (builds without API keys).
 * A secret: send it, never print it.
 */
export async function readStiltsApiKey(home) {
  let text;
  try {
    text = await readFile(path.join(home, 'credentials'), 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.startsWith('STILTS_API_KEY='));
  return line ? line.slice('STILTS_API_KEY='.length).trim() || undefined : undefined;
}
