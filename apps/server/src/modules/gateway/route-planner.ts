import { weightedOrder, type Rng } from '@stilts/routing';
import type { ResolvedMember, ResolvedRoute } from '../catalog/resolved-catalog.js';
import type { WeightSource } from '../weights/weight-source.js';
import type { DeploymentHealthRegistry } from './deployment-health.js';

/** Why a route member is not in a plan. */
export type ExclusionReason = 'disabled' | 'circuit-open' | 'paused';

export interface PlannedCandidate {
  readonly member: ResolvedMember;
  /** Probability of this pick given the earlier picks (the first one's is the propensity). */
  readonly probability: number;
}

/** The order in which one request will try a route's deployments. */
export interface RoutePlan {
  readonly candidates: readonly PlannedCandidate[];
  readonly excluded: readonly {
    readonly member: ResolvedMember;
    readonly reason: ExclusionReason;
  }[];
  readonly snapshotVersion: number | null;
}

/**
 * Draws a request's candidate order: the route's weights (snapshot or configured) over the
 * members that are enabled and healthy, sampled without replacement. Under `priority` the
 * members are tried by ascending priority, weighted within a priority level.
 */
export class RoutePlanner {
  constructor(
    private readonly weights: WeightSource,
    private readonly health: DeploymentHealthRegistry,
    private readonly rng: Rng,
  ) {}

  plan(route: ResolvedRoute): RoutePlan {
    const source = this.weights.weightsFor(route);
    const useSnapshot = route.definition.strategy === 'adaptive';
    const eligible: { item: ResolvedMember; weight: number }[] = [];
    const excluded: { member: ResolvedMember; reason: ExclusionReason }[] = [];
    for (const member of route.members) {
      if (!member.deployment.enabled || !member.provider.enabled) {
        excluded.push({ member, reason: 'disabled' });
        continue;
      }
      const health = this.health.get(member.deployment.id);
      if (health.isPaused()) {
        excluded.push({ member, reason: 'paused' });
        continue;
      }
      if (!health.breaker.isAvailable()) {
        excluded.push({ member, reason: 'circuit-open' });
        continue;
      }
      const weight =
        (useSnapshot ? source.weightOf(member.deployment.id) : undefined) ?? member.weight;
      eligible.push({ item: member, weight });
    }
    const snapshotVersion = useSnapshot ? source.version : null;
    if (route.definition.strategy !== 'priority') {
      return {
        candidates: weightedOrder(eligible, this.rng).map((p) => ({
          member: p.item,
          probability: p.probability,
        })),
        excluded,
        snapshotVersion,
      };
    }
    const levels = [...new Set(eligible.map((c) => c.item.priority))].sort((a, b) => a - b);
    const candidates: PlannedCandidate[] = [];
    for (const level of levels) {
      const group = eligible.filter((c) => c.item.priority === level);
      // Within a level, equal weights when all are zero so the level still round-robins.
      const allZero = group.every((c) => c.weight === 0);
      const picks = weightedOrder(
        allZero ? group.map((c) => ({ item: c.item, weight: 1 })) : group,
        this.rng,
      );
      for (const p of picks) candidates.push({ member: p.item, probability: p.probability });
    }
    return { candidates, excluded, snapshotVersion };
  }
}
