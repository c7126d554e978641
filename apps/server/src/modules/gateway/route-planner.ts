import { weightedOrder, type Rng, type WeightedCandidate } from '@stilts/routing';
import type { ResolvedMember, ResolvedRoute } from '../catalog/resolved-catalog.js';
import type { OverridesState } from '../weights/overrides.state.js';
import { applyPins } from '../weights/route-override.js';
import type { WeightSource } from '../weights/weight-source.js';
import type { DeploymentHealthRegistry } from './deployment-health.js';

/** Why a route member is not in a plan. */
export type ExclusionReason =
  /** The deployment or its provider is disabled in the catalog. */
  | 'disabled'
  /** An operator's override disabled it. */
  | 'disabled-by-override'
  /** Its breaker is open (or forced open by an override). */
  | 'circuit-open'
  /** It answered 429 with Retry-After and the pause is not over. */
  | 'paused';

export interface PlannedCandidate {
  readonly member: ResolvedMember;
  /** The weight it was drawn by (snapshot or configured, pins applied). */
  readonly weight: number;
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
  /** The weight snapshot the weights came from; null for configured weights. */
  readonly snapshotVersion: number | null;
}

/**
 * Draws a request's candidate order: the route's weights (the bandit's snapshot under
 * `adaptive`, the configured ones under `static` and `priority`), operators' pins applied,
 * over the members that are enabled, not disabled by an override and healthy on this replica,
 * sampled without replacement. Under `priority` the members are tried by ascending priority,
 * weighted within a priority level.
 */
export class RoutePlanner {
  constructor(
    private readonly weights: WeightSource,
    private readonly overrides: OverridesState,
    private readonly health: DeploymentHealthRegistry,
    private readonly rng: Rng,
  ) {}

  plan(route: ResolvedRoute): RoutePlan {
    const adaptive = route.definition.strategy === 'adaptive';
    const snapshot = adaptive ? this.weights.weightsFor(route) : undefined;
    const overrides = this.overrides.current;
    const view = overrides.forRoute(route.name);
    let eligible: WeightedCandidate<ResolvedMember>[] = [];
    const excluded: { member: ResolvedMember; reason: ExclusionReason }[] = [];
    for (const member of route.members) {
      const id = member.deployment.id;
      let reason: ExclusionReason | undefined;
      if (!member.deployment.enabled || !member.provider.enabled) reason = 'disabled';
      else if (overrides.isDisabled(route.name, id)) reason = 'disabled-by-override';
      else {
        const health = this.health.get(id);
        if (health.isPaused()) reason = 'paused';
        else if (!health.circuitAvailable()) reason = 'circuit-open';
      }
      if (reason) excluded.push({ member, reason });
      else eligible.push({ item: member, weight: snapshot?.weightOf(id) ?? member.weight });
    }
    if (view.pins.size > 0) eligible = pinned(eligible, view.pins);
    const snapshotVersion = snapshot?.version ?? null;
    if (route.definition.strategy !== 'priority') {
      return {
        candidates: weightedOrder(eligible, this.rng).map((p) => ({
          member: p.item,
          weight: weightOf(eligible, p.item),
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
      // Within a level, equal weights when all are zero so the level still spreads load.
      const allZero = group.every((c) => c.weight === 0);
      const picks = weightedOrder(
        allZero ? group.map((c) => ({ item: c.item, weight: 1 })) : group,
        this.rng,
      );
      for (const p of picks) {
        candidates.push({
          member: p.item,
          weight: weightOf(group, p.item),
          probability: p.probability,
        });
      }
    }
    return { candidates, excluded, snapshotVersion };
  }
}

function weightOf(
  eligible: readonly WeightedCandidate<ResolvedMember>[],
  member: ResolvedMember,
): number {
  return eligible.find((c) => c.item === member)?.weight ?? 0;
}

function pinned(
  eligible: readonly WeightedCandidate<ResolvedMember>[],
  pins: ReadonlyMap<string, number>,
): WeightedCandidate<ResolvedMember>[] {
  const weights = applyPins(new Map(eligible.map((c) => [c.item.deployment.id, c.weight])), pins);
  return eligible.map((c) => ({
    item: c.item,
    weight: weights.get(c.item.deployment.id) ?? c.weight,
  }));
}
