import type { CatalogDefinition, RouteStrategy } from '../../src/modules/catalog/catalog.types.js';
import type { ProviderKind } from '../../src/modules/providers/provider-adapter.js';

export interface MemberFixture {
  readonly id: string;
  readonly weight?: number;
  readonly priority?: number;
  readonly kind?: ProviderKind;
  /** Base URL of the member's provider; defaults to an address nothing listens on. */
  readonly baseUrl?: string;
  readonly model?: string;
  readonly timeoutMs?: number;
  readonly firstByteTimeoutMs?: number;
  /** USD per million tokens. */
  readonly inputPrice?: number;
  readonly outputPrice?: number;
}

/**
 * A catalog with one route, `test-route` (or `name`), over one provider and deployment per
 * member; the deployment id equals the member id and the provider id is `p-<id>`.
 */
export function catalogFixture(options: {
  readonly name?: string;
  readonly strategy?: RouteStrategy;
  readonly members: readonly MemberFixture[];
  readonly maxAttempts?: number;
  readonly deadlineMs?: number;
}): CatalogDefinition {
  return {
    providers: options.members.map((m) => ({
      id: `p-${m.id}`,
      kind: m.kind ?? 'openai',
      baseUrl: m.baseUrl ?? 'http://127.0.0.1:9/v1',
      apiKeyEnv: null,
      apiKey: 'test-key',
      headers: {},
      enabled: true,
    })),
    deployments: options.members.map((m) => ({
      id: m.id,
      providerId: `p-${m.id}`,
      model: m.model ?? 'test-model',
      price: {
        inputPerMillion: Math.round((m.inputPrice ?? 1) * 1_000_000),
        outputPerMillion: Math.round((m.outputPrice ?? 2) * 1_000_000),
      },
      timeoutMs: m.timeoutMs ?? 5_000,
      firstByteTimeoutMs: m.firstByteTimeoutMs ?? 5_000,
      enabled: true,
    })),
    routes: [
      {
        name: options.name ?? 'test-route',
        description: 'test route',
        strategy: options.strategy ?? 'static',
        maxAttempts: options.maxAttempts ?? 3,
        deadlineMs: options.deadlineMs ?? 30_000,
        objective: {},
        members: options.members.map((m) => ({
          deploymentId: m.id,
          weight: m.weight ?? 1,
          priority: m.priority ?? 0,
        })),
      },
    ],
  };
}
