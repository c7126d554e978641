import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseScenario, type Scenario } from './scenario.schema.js';

/**
 * Absolute path of a scenario shipped with the package (`scenarios/<name>.json`): `demo`
 * (mostly healthy, with 429s, 5xx and a periodic outage) or `healthy` (instant, no faults).
 */
export function builtinScenarioPath(name: 'demo' | 'healthy'): string {
  // src/scenario and dist/scenario are both two levels below the package root.
  return fileURLToPath(new URL(`../../scenarios/${name}.json`, import.meta.url));
}

/**
 * Reads and validates a scenario file.
 *
 * @throws {ScenarioError} when the content is not a valid scenario; a plain `Error` naming the
 * file when it cannot be read or is not JSON.
 */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseScenario(json);
}
