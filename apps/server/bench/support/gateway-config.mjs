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
  const config = await writeMultiRouteGatewayConfig(dir, [{ route, providerId, baseUrl, model }]);
  return { ...config, route, deploymentId: config.routes[0].deploymentId };
}

/**
 * Writes `<dir>/stilts.config.json` with one route per entry of `routes`
 * (`{ route, providerId, baseUrl, model = 'gpt-4o-mini' }`), each to its own OpenAI-compatible
 * provider (e.g. simulator providers that behave differently) and one deployment of it. Every
 * provider uses the key in {@link SIM_KEY_ENV}. Returns `{ path, routes, env }`, `routes` with
 * each entry's `deploymentId`.
 */
export async function writeMultiRouteGatewayConfig(dir, routes) {
  const entries = routes.map((r) => ({
    ...r,
    model: r.model ?? 'gpt-4o-mini',
    deploymentId: `${r.providerId}/${r.model ?? 'gpt-4o-mini'}`,
  }));
  const config = {
    providers: entries.map((r) => ({
      id: r.providerId,
      kind: 'openai',
      baseUrl: r.baseUrl,
      apiKeyEnv: SIM_KEY_ENV,
    })),
    deployments: entries.map((r) => ({
      id: r.deploymentId,
      provider: r.providerId,
      model: r.model,
      inputPricePerMillionUsd: '0.15',
      outputPricePerMillionUsd: '0.60',
    })),
    routes: entries.map((r) => ({
      name: r.route,
      strategy: 'static',
      deployments: [{ deployment: r.deploymentId }],
    })),
  };
  const file = path.join(dir, 'stilts.config.json');
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  return { path: file, routes: entries, env: { [SIM_KEY_ENV]: SIM_OPENAI_KEY } };
}

/** A small chat completion request body for `route` (a route name, or a model upstream). */
export function chatBody(route, { stream = false } = {}) {
  return JSON.stringify({
    model: route,
    messages: [{ role: 'user', content: 'Say hello in five words.' }],
    max_tokens: 16,
    stream,
  });
}
