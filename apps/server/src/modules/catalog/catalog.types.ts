import type { TokenPrice } from '@stilts/routing';
import type { ProviderKind } from '../providers/provider-adapter.js';
import type { RouteObjectiveSettings } from '../weights/route-objective.schema.js';

/** How a route orders its deployments. */
export type RouteStrategy = 'adaptive' | 'static' | 'priority';

/** A provider account: where to send requests and with which credential. */
export interface ProviderDefinition {
  /** Stable id, shown to callers in `X-Provider` (e.g. `openai`, `sim-anthropic`). */
  readonly id: string;
  readonly kind: ProviderKind;
  readonly baseUrl: string;
  /** Name of the environment variable (or other secret) that holds the credential. */
  readonly apiKeyEnv: string | null;
  /** The credential, resolved from `apiKeyEnv` at load; never logged, never returned by any API. */
  readonly apiKey: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly enabled: boolean;
}

/** One model at one provider, with its prices and timeouts. */
export interface DeploymentDefinition {
  /** Stable id, e.g. `openai/gpt-4o-mini`; shown in `X-Stilts-Deployment`. */
  readonly id: string;
  readonly providerId: string;
  /** The model name sent upstream. */
  readonly model: string;
  readonly price: TokenPrice;
  /** Per-attempt timeout of a non-streamed call. */
  readonly timeoutMs: number;
  /** Time a streamed attempt may take to produce its first token. */
  readonly firstByteTimeoutMs: number;
  readonly enabled: boolean;
}

/** A deployment's place in a route. */
export interface RouteMember {
  readonly deploymentId: string;
  /** Relative weight under the `static` strategy, and the prior under `adaptive`. */
  readonly weight: number;
  /** Lower goes first under the `priority` strategy. */
  readonly priority: number;
}

/** What callers name in `model`: a set of interchangeable deployments and how to pick among them. */
export interface RouteDefinition {
  readonly name: string;
  readonly description: string;
  readonly strategy: RouteStrategy;
  readonly members: readonly RouteMember[];
  readonly maxAttempts: number;
  readonly deadlineMs: number;
  /** Settings of the adaptive weights (bandit); empty = the defaults. */
  readonly objective: RouteObjectiveSettings;
}

/** Everything the gateway routes over, as one immutable value swapped atomically on change. */
export interface CatalogDefinition {
  readonly providers: readonly ProviderDefinition[];
  readonly deployments: readonly DeploymentDefinition[];
  readonly routes: readonly RouteDefinition[];
}

/** Looks a secret up by name (environment variables, plus in-process ones such as the simulator's). */
export type SecretResolver = (name: string) => string | undefined;

/** Resolves from `env`, then from `extra`. */
export function secretResolver(
  env: Readonly<Record<string, string | undefined>>,
  extra: Readonly<Record<string, string>> = {},
): SecretResolver {
  return (name) => env[name] || extra[name] || undefined;
}
