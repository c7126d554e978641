import { usdToMicroUsd, type TokenPrice } from '@stilts/routing';
import type { AppConfig } from '../../config/app-config.js';
import type {
  CatalogDefinition,
  DeploymentDefinition,
  ProviderDefinition,
  RouteDefinition,
  SecretResolver,
} from './catalog.types.js';
import { secretResolver } from './catalog.types.js';
import type { CatalogFile } from './catalog-file.schema.js';

function price(input: string, output: string): TokenPrice {
  return { inputPerMillion: usdToMicroUsd(input), outputPerMillion: usdToMicroUsd(output) };
}

/** Timeouts and limits a deployment or route takes when it does not set its own. */
export interface CatalogDefaults {
  readonly timeoutMs: number;
  readonly firstByteTimeoutMs: number;
  readonly maxAttempts: number;
  readonly deadlineMs: number;
}

export function catalogDefaultsFrom(config: AppConfig): CatalogDefaults {
  return {
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    firstByteTimeoutMs: config.FIRST_BYTE_TIMEOUT_MS,
    maxAttempts: config.MAX_ATTEMPTS,
    deadlineMs: config.REQUEST_DEADLINE_MS,
  };
}

interface Tiered {
  provider: ProviderDefinition;
  model: string;
  price: TokenPrice;
  tier: 'default' | 'premium';
}

function deployment(t: Tiered, defaults: CatalogDefaults): DeploymentDefinition {
  return {
    id: `${t.provider.id}/${t.model}`,
    providerId: t.provider.id,
    model: t.model,
    price: t.price,
    timeoutMs: defaults.timeoutMs,
    firstByteTimeoutMs: defaults.firstByteTimeoutMs,
    enabled: true,
  };
}

function provider(
  id: string,
  kind: ProviderDefinition['kind'],
  baseUrl: string,
  apiKeyEnv: string | null,
  secrets: SecretResolver,
): ProviderDefinition {
  const apiKey = apiKeyEnv === null ? undefined : secrets(apiKeyEnv);
  return { id, kind, baseUrl, apiKeyEnv, apiKey, headers: {}, enabled: true };
}

function assemble(models: Tiered[], defaults: CatalogDefaults): CatalogDefinition {
  const providers = [...new Map(models.map((m) => [m.provider.id, m.provider])).values()];
  const deployments = models.map((m) => deployment(m, defaults));
  const routeOf = (name: string, description: string, tier: Tiered['tier']): RouteDefinition => ({
    name,
    description,
    strategy: 'adaptive',
    members: models
      .filter((m) => m.tier === tier)
      .map((m) => ({ deploymentId: `${m.provider.id}/${m.model}`, weight: 1, priority: 0 })),
    maxAttempts: defaults.maxAttempts,
    deadlineMs: defaults.deadlineMs,
    objective: {},
  });
  const routes = [routeOf('chat-default', 'Fast, inexpensive chat models', 'default')];
  if (models.some((m) => m.tier === 'premium')) {
    routes.push(routeOf('chat-premium', 'The most capable chat models', 'premium'));
  }
  return { providers, deployments, routes };
}

/**
 * The keys the demo scenario's simulated providers expect. Not secrets (the simulator runs
 * in-process on 127.0.0.1), but passed like real keys so the adapters' auth is exercised.
 */
export const SIMULATOR_KEYS: Readonly<Record<string, string>> = {
  STILTS_SIM_KEY_OPENAI: 'sim-key-openai',
  STILTS_SIM_KEY_ANTHROPIC: 'sim-key-anthropic',
  STILTS_SIM_KEY_GEMINI: 'sim-key-gemini',
};

/** True when the environment registers at least one real provider. */
export function hasProviderCredentials(config: AppConfig): boolean {
  return Boolean(
    config.OPENAI_API_KEY ??
    config.ANTHROPIC_API_KEY ??
    config.GEMINI_API_KEY ??
    config.OPENAI_COMPATIBLE_BASE_URL,
  );
}

/**
 * Routes derived from provider credentials in the environment: `chat-default` over each
 * provider's inexpensive model, `chat-premium` over the capable ones. Prices are list prices
 * per million tokens at the time of writing; edit them through a config file or the admin API.
 */
export function catalogFromEnvironment(
  config: AppConfig,
  defaults: CatalogDefaults,
  secrets: SecretResolver,
): CatalogDefinition {
  const models: Tiered[] = [];
  if (config.OPENAI_API_KEY) {
    const p = provider(
      'openai',
      'openai',
      config.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
      'OPENAI_API_KEY',
      secrets,
    );
    models.push({
      provider: p,
      model: 'gpt-4o-mini',
      price: price('0.15', '0.60'),
      tier: 'default',
    });
    models.push({ provider: p, model: 'gpt-4o', price: price('2.50', '10.00'), tier: 'premium' });
  }
  if (config.ANTHROPIC_API_KEY) {
    const p = provider(
      'anthropic',
      'anthropic',
      'https://api.anthropic.com/v1',
      'ANTHROPIC_API_KEY',
      secrets,
    );
    models.push({
      provider: p,
      model: 'claude-haiku-4-5',
      price: price('1.00', '5.00'),
      tier: 'default',
    });
    models.push({
      provider: p,
      model: 'claude-sonnet-4-5',
      price: price('3.00', '15.00'),
      tier: 'premium',
    });
  }
  if (config.GEMINI_API_KEY) {
    const p = provider(
      'gemini',
      'gemini',
      'https://generativelanguage.googleapis.com/v1beta',
      'GEMINI_API_KEY',
      secrets,
    );
    models.push({
      provider: p,
      model: 'gemini-2.5-flash',
      price: price('0.30', '2.50'),
      tier: 'default',
    });
    models.push({
      provider: p,
      model: 'gemini-2.5-pro',
      price: price('1.25', '10.00'),
      tier: 'premium',
    });
  }
  if (config.OPENAI_COMPATIBLE_BASE_URL) {
    const p = provider(
      'local',
      'openai',
      config.OPENAI_COMPATIBLE_BASE_URL,
      config.OPENAI_COMPATIBLE_API_KEY ? 'OPENAI_COMPATIBLE_API_KEY' : null,
      secrets,
    );
    models.push({
      provider: p,
      model: config.OPENAI_COMPATIBLE_MODEL,
      price: price('0', '0'),
      tier: 'default',
    });
  }
  return assemble(models, defaults);
}

/**
 * The demo catalog over the built-in simulator: four providers named `sim-*` speaking the
 * OpenAI, Anthropic and Gemini wire formats, priced like the real models they stand in for.
 */
export function simulatorCatalog(
  simUrl: string,
  defaults: CatalogDefaults,
  secrets: SecretResolver = secretResolver({}, SIMULATOR_KEYS),
): CatalogDefinition {
  const base = simUrl.replace(/\/$/, '');
  const sim = (
    id: string,
    kind: ProviderDefinition['kind'],
    path: string,
    keyName: string | null,
  ) => provider(id, kind, `${base}/${id}/${path}`, keyName, secrets);
  const openai = sim('sim-openai', 'openai', 'v1', 'STILTS_SIM_KEY_OPENAI');
  const anthropic = sim('sim-anthropic', 'anthropic', 'v1', 'STILTS_SIM_KEY_ANTHROPIC');
  const gemini = sim('sim-gemini', 'gemini', 'v1beta', 'STILTS_SIM_KEY_GEMINI');
  const local = sim('sim-local', 'openai', 'v1', null);
  return assemble(
    [
      { provider: openai, model: 'gpt-4o-mini', price: price('0.15', '0.60'), tier: 'default' },
      {
        provider: anthropic,
        model: 'claude-haiku-4-5',
        price: price('1.00', '5.00'),
        tier: 'default',
      },
      {
        provider: gemini,
        model: 'gemini-2.5-flash',
        price: price('0.30', '2.50'),
        tier: 'default',
      },
      { provider: local, model: 'llama3.2', price: price('0', '0'), tier: 'default' },
      { provider: openai, model: 'gpt-4o', price: price('2.50', '10.00'), tier: 'premium' },
      {
        provider: anthropic,
        model: 'claude-sonnet-4-5',
        price: price('3.00', '15.00'),
        tier: 'premium',
      },
    ],
    defaults,
  );
}

/** Turns a validated config file into a catalog; provider keys are read from the named env vars. */
export function catalogFromFile(
  file: CatalogFile,
  secrets: SecretResolver,
  defaults: CatalogDefaults,
): CatalogDefinition {
  return {
    providers: file.providers.map((p) => ({
      id: p.id,
      kind: p.kind,
      baseUrl: p.baseUrl,
      apiKeyEnv: p.apiKeyEnv ?? null,
      apiKey: p.apiKeyEnv ? secrets(p.apiKeyEnv) : undefined,
      headers: p.headers,
      enabled: p.enabled,
    })),
    deployments: file.deployments.map((d) => ({
      id: d.id,
      providerId: d.provider,
      model: d.model,
      price: {
        inputPerMillion: d.inputPricePerMillionUsd,
        outputPerMillion: d.outputPricePerMillionUsd,
        ...(d.cachedInputPricePerMillionUsd === undefined
          ? {}
          : { cachedInputPerMillion: d.cachedInputPricePerMillionUsd }),
      },
      timeoutMs: d.timeoutMs ?? defaults.timeoutMs,
      firstByteTimeoutMs: d.firstByteTimeoutMs ?? defaults.firstByteTimeoutMs,
      enabled: d.enabled,
    })),
    routes: file.routes.map((r) => ({
      name: r.name,
      description: r.description,
      strategy: r.strategy,
      maxAttempts: r.maxAttempts ?? defaults.maxAttempts,
      deadlineMs: r.deadlineMs ?? defaults.deadlineMs,
      objective: r.objective,
      members: r.deployments.map((m) => ({
        deploymentId: m.deployment,
        weight: m.weight,
        priority: m.priority,
      })),
    })),
  };
}
