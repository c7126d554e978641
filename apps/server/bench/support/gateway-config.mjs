// A STILTS_CONFIG file for benchmarks: one route of one OpenAI-compatible deployment at the
// provider simulator. The key is referenced by environment variable, as in production.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The healthy scenario's key for `sim-openai` (apps/provider-sim/scenarios/healthy.json). */
export const SIM_OPENAI_KEY = 'sim-key-openai';
export const SIM_KEY_ENV = 'BENCH_SIM_OPENAI_API_KEY';

/**
 * Writes `<dir>/stilts.config.json` routing `route` to `model` at `baseUrl` (the simulator's
 * `http://127.0.0.1:<port>/sim-openai/v1`). Returns `{ path, route, env }`, where `env` holds
 * the variable the config names for the key.
 */
export async function writeGatewayConfig(
  dir,
  { baseUrl, providerId = 'sim-openai', model = 'gpt-4o-mini', route = 'bench-chat' },
) {
  const deploymentId = `${providerId}/${model}`;
  const config = {
    providers: [{ id: providerId, kind: 'openai', baseUrl, apiKeyEnv: SIM_KEY_ENV }],
    deployments: [
      {
        id: deploymentId,
        provider: providerId,
        model,
        inputPricePerMillionUsd: '0.15',
        outputPricePerMillionUsd: '0.60',
      },
    ],
    routes: [{ name: route, strategy: 'static', deployments: [{ deployment: deploymentId }] }],
  };
  const file = path.join(dir, 'stilts.config.json');
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  return { path: file, route, deploymentId, env: { [SIM_KEY_ENV]: SIM_OPENAI_KEY } };
}

/** A small non-streamed chat completion request body for `route`. */
export function chatBody(route, { stream = false } = {}) {
  return JSON.stringify({
    model: route,
    messages: [{ role: 'user', content: 'Say hello in five words.' }],
    max_tokens: 16,
    stream,
  });
}
