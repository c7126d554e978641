import { adapterFor } from '../providers/adapter-registry.js';
import type { ProviderAdapter, UpstreamTarget } from '../providers/provider-adapter.js';
import type {
  CatalogDefinition,
  DeploymentDefinition,
  ProviderDefinition,
  RouteDefinition,
} from './catalog.types.js';

/** A route member with everything the hot path needs resolved once, not per request. */
export interface ResolvedMember {
  readonly deployment: DeploymentDefinition;
  readonly provider: ProviderDefinition;
  readonly adapter: ProviderAdapter;
  readonly target: UpstreamTarget;
  readonly weight: number;
  readonly priority: number;
}

export interface ResolvedRoute {
  readonly name: string;
  readonly definition: RouteDefinition;
  readonly members: readonly ResolvedMember[];
}

/** The catalog failed validation; every problem is listed. */
export class CatalogError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid catalog:\n  ${problems.join('\n  ')}`);
    this.name = 'CatalogError';
  }
}

function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return [...dup];
}

/**
 * An immutable, validated catalog indexed for the hot path. Built once per change and swapped
 * atomically, so a request sees one consistent version from start to end.
 */
export class ResolvedCatalog {
  private readonly routesByName: ReadonlyMap<string, ResolvedRoute>;
  private readonly deploymentsById: ReadonlyMap<string, DeploymentDefinition>;
  private readonly providersById: ReadonlyMap<string, ProviderDefinition>;

  constructor(
    readonly definition: CatalogDefinition,
    /** Increases with every swap; lets caches know they are stale. */
    readonly version: number,
  ) {
    const problems: string[] = [];
    for (const id of duplicates(definition.providers.map((p) => p.id))) {
      problems.push(`provider "${id}" is declared more than once`);
    }
    for (const id of duplicates(definition.deployments.map((d) => d.id))) {
      problems.push(`deployment "${id}" is declared more than once`);
    }
    for (const name of duplicates(definition.routes.map((r) => r.name))) {
      problems.push(`route "${name}" is declared more than once`);
    }
    this.providersById = new Map(definition.providers.map((p) => [p.id, p]));
    this.deploymentsById = new Map(definition.deployments.map((d) => [d.id, d]));
    for (const d of definition.deployments) {
      if (!this.providersById.has(d.providerId)) {
        problems.push(`deployment "${d.id}" names unknown provider "${d.providerId}"`);
      }
    }
    const routes = new Map<string, ResolvedRoute>();
    for (const route of definition.routes) {
      const members: ResolvedMember[] = [];
      if (route.members.length === 0) problems.push(`route "${route.name}" has no deployments`);
      for (const member of route.members) {
        const deployment = this.deploymentsById.get(member.deploymentId);
        const provider = deployment && this.providersById.get(deployment.providerId);
        if (!deployment || !provider) {
          if (!deployment) {
            problems.push(
              `route "${route.name}" names unknown deployment "${member.deploymentId}"`,
            );
          }
          continue;
        }
        if (!(member.weight >= 0) || !Number.isFinite(member.weight)) {
          problems.push(`route "${route.name}": weight of "${member.deploymentId}" must be >= 0`);
        }
        let baseUrl: URL;
        try {
          baseUrl = new URL(provider.baseUrl);
        } catch {
          problems.push(`provider "${provider.id}" has an invalid base URL`);
          continue;
        }
        members.push({
          deployment,
          provider,
          adapter: adapterFor(provider.kind),
          target: {
            baseUrl,
            model: deployment.model,
            apiKey: provider.apiKey,
            headers: provider.headers,
          },
          weight: member.weight,
          priority: member.priority,
        });
      }
      routes.set(route.name, { name: route.name, definition: route, members });
    }
    if (problems.length > 0) throw new CatalogError(problems);
    this.routesByName = routes;
  }

  route(name: string): ResolvedRoute | undefined {
    return this.routesByName.get(name);
  }

  routes(): IterableIterator<ResolvedRoute> {
    return this.routesByName.values();
  }

  deployment(id: string): DeploymentDefinition | undefined {
    return this.deploymentsById.get(id);
  }

  provider(id: string): ProviderDefinition | undefined {
    return this.providersById.get(id);
  }
}
