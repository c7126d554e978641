import type { BudgetPace } from '@stilts/routing';
import type { ResolvedRoute } from '../catalog/resolved-catalog.js';
import {
  periodBounds,
  spendCapPace,
  type WeightSnapshotsRepository,
} from './weight-snapshots.repository.js';

/** What budgets say about one route, as the weights job needs it. */
export interface RouteBudgetInput {
  /** The binding budget's pace, or null when no budget covers the route. */
  readonly pace: BudgetPace | null;
  /** Deployments a budget rules out (spent deployment budgets, `degrade` price ceilings). */
  readonly blockedDeployments: ReadonlySet<string>;
}

/** Where the weights job gets budget pressure from. The budgets module provides the real one. */
export interface RouteBudgetSource {
  forRoutes(
    routes: readonly ResolvedRoute[],
    nowMs: number,
  ): Promise<Map<string, RouteBudgetInput>>;
}

export const ROUTE_BUDGETS = Symbol('ROUTE_BUDGETS');

const NO_BLOCKS: ReadonlySet<string> = new Set();

/**
 * The interim budget input: a route's own spend cap per UTC calendar period
 * (`routes.spend_cap_*`), paced against what the route spent this period according to the
 * rollups.
 */
export class SpendCapBudgetSource implements RouteBudgetSource {
  constructor(private readonly snapshots: WeightSnapshotsRepository) {}

  async forRoutes(
    routes: readonly ResolvedRoute[],
    nowMs: number,
  ): Promise<Map<string, RouteBudgetInput>> {
    const capped = routes.filter((r) => r.definition.spendCap !== null);
    const starts = new Map(
      capped.map((r) => [
        r.name,
        periodBounds(
          (r.definition.spendCap as NonNullable<typeof r.definition.spendCap>).period,
          nowMs,
        ).start,
      ]),
    );
    const spent = await this.snapshots.spendSince(starts);
    const out = new Map<string, RouteBudgetInput>();
    for (const route of routes) {
      const cap = route.definition.spendCap;
      out.set(route.name, {
        pace: cap ? spendCapPace(cap, spent.get(route.name) ?? 0, nowMs) : null,
        blockedDeployments: NO_BLOCKS,
      });
    }
    return out;
  }
}
