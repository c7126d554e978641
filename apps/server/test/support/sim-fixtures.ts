import type { Behaviour, ProviderSim } from '@stilts/provider-sim';
import type { CatalogDefinition } from '../../src/modules/catalog/catalog.types.js';
import { catalogFixture, type MemberFixture } from './catalog.factory.js';

/** Instant, fault-free behaviour with short answers; tests override what they need. */
export const HEALTHY: Behaviour = {
  latency: { kind: 'fixed', ms: 0 },
  interChunkMs: 0,
  outputTokens: 12,
  chunkTokens: 2,
};

/** A scenario with one simulated provider `p-<id>` per entry. */
export function scenarioOf(providers: Record<string, Behaviour & { windows?: unknown[] }>): {
  providers: Record<string, { behaviour: unknown }>;
} {
  return {
    providers: Object.fromEntries(
      Object.entries(providers).map(([id, behaviour]) => [
        `p-${id}`,
        { behaviour: { ...HEALTHY, ...behaviour } },
      ]),
    ),
  };
}

/** {@link catalogFixture} with every member's provider pointed at its simulated twin. */
export function simCatalog(
  sim: ProviderSim,
  options: Omit<Parameters<typeof catalogFixture>[0], 'members'> & {
    members: readonly MemberFixture[];
  },
): CatalogDefinition {
  return catalogFixture({
    ...options,
    members: options.members.map((m) => ({
      ...m,
      baseUrl: sim.baseUrlFor(`p-${m.id}`, m.kind ?? 'openai'),
    })),
  });
}
