/**
 * The budget that binds a route, as the pacing needs it: what is left and for how long. The
 * budgets feature computes one per budget covering the route (global, team, key, route,
 * deployment) and passes the tightest ({@link tightestBudgetPace}). When a budget spans several
 * routes, pass this route's slice of `remainingMicroUsd` (e.g. pro rata to its recent spend).
 */
export interface BudgetPace {
  /** For display and audit; not used in the math. */
  readonly budgetId?: string;
  /** Unspent (and unreserved) amount, integer micro-USD; <= 0 means exhausted. */
  readonly remainingMicroUsd: number;
  /** Time until the period ends (ms, > 0). */
  readonly remainingPeriodMs: number;
}

/**
 * The spend rate that uses up the rest of the budget exactly at the end of its period:
 *
 *     pace = max(0, remaining) / (remainingPeriodMs / 60 000)   micro-USD per minute.
 *
 * @throws RangeError if remainingMicroUsd is not finite or remainingPeriodMs is not > 0.
 */
export function paceMicroUsdPerMinute(budget: BudgetPace): number {
  if (!Number.isFinite(budget.remainingMicroUsd)) {
    throw new RangeError(`remainingMicroUsd must be finite, got ${budget.remainingMicroUsd}`);
  }
  if (!(Number.isFinite(budget.remainingPeriodMs) && budget.remainingPeriodMs > 0)) {
    throw new RangeError(`remainingPeriodMs must be > 0, got ${budget.remainingPeriodMs}`);
  }
  return Math.max(0, budget.remainingMicroUsd) / (budget.remainingPeriodMs / 60_000);
}

/**
 * The binding budget among several covering a route: the one with the lowest pace (ties: the
 * first). Null for none.
 *
 * @throws RangeError as {@link paceMicroUsdPerMinute}.
 */
export function tightestBudgetPace(budgets: readonly BudgetPace[]): BudgetPace | null {
  let best: BudgetPace | null = null;
  let bestPace = Infinity;
  for (const b of budgets) {
    const pace = paceMicroUsdPerMinute(b);
    if (pace < bestPace) {
      best = b;
      bestPace = pace;
    }
  }
  return best;
}
