import type { BudgetPace } from '@stilts/routing';
import type { ResolvedRoute } from '../catalog/resolved-catalog.js';

/** What budgets say about one route, as the weights job needs it. */
export interface RouteBudgetInput {
  /** The binding budget's pace, or null when no budget covers the route. */
  readonly pace: BudgetPace | null;
  /** Deployments a budget rules out (spent deployment budgets, `degrade` price ceilings). */
  readonly blockedDeployments: ReadonlySet<string>;
}

/** Where the weights job gets budget pressure from (the budgets module provides it). */
export interface RouteBudgetSource {
  forRoutes(
    routes: readonly ResolvedRoute[],
    nowMs: number,
  ): Promise<Map<string, RouteBudgetInput>>;
}

export const ROUTE_BUDGETS = Symbol('ROUTE_BUDGETS');

/** No budgets: no pacing, nothing blocked. */
export const NO_ROUTE_BUDGETS: RouteBudgetSource = { forRoutes: () => Promise.resolve(new Map()) };
