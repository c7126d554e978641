// Runs the provider simulator CLI (`apps/provider-sim/dist/cli.js`) as its own process on
// 127.0.0.1, so a gateway under test never shares its CPU with the upstream it calls.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnWithLines } from './child-process.mjs';

export const PROVIDER_SIM_CLI = fileURLToPath(
  new URL('../../../provider-sim/dist/cli.js', import.meta.url),
);

/** A bundled scenario file, e.g. `scenarioPath('healthy')`. */
export function scenarioPath(name) {
  return fileURLToPath(new URL(`../../../provider-sim/scenarios/${name}.json`, import.meta.url));
}

/**
 * Writes `scenario` (an object in the simulator's scenario format, see
 * `apps/provider-sim/scenarios/healthy.json`) to `<dir>/<name>.json` and returns the path.
 */
export async function writeScenario(dir, name, scenario) {
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, `${JSON.stringify(scenario, null, 2)}\n`);
  return file;
}

/**
 * Starts the simulator with `scenario` (a file path) on `port` (0: a free one) and resolves once
 * it listens. The request log is off by default (`logSize` 0): it costs CPU and benchmarks do
 * not read it. `baseUrlFor(providerId)` gives an OpenAI/Anthropic-style base URL.
 */
export async function startProviderSimProcess({
  scenario,
  port = 0,
  seed = 0,
  logSize = 0,
  timeoutMs = 20_000,
} = {}) {
  const args = [PROVIDER_SIM_CLI, '--port', String(port), '--host', '127.0.0.1'];
  if (scenario) args.push('--scenario', scenario);
  args.push('--seed', String(seed), '--log-size', String(logSize));
  const proc = spawnWithLines(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '' },
    name: 'provider-sim',
  });
  let url;
  try {
    const line = await proc.waitForLine(
      (l) => l.startsWith('provider-sim listening on '),
      timeoutMs,
    );
    url = /listening on (\S+)/.exec(line)[1];
  } catch (error) {
    await proc.stop(5_000);
    throw error;
  }
  return {
    ...proc,
    url,
    baseUrlFor: (providerId, format = 'openai') =>
      `${url}/${providerId}/${format === 'gemini' ? 'v1beta' : 'v1'}`,
  };
}
