import type { UtcPeriod } from '../../common/time/utc-period.js';

/** What a budget covers. */
export type BudgetScope = 'global' | 'team' | 'key' | 'route' | 'deployment';

/** What happens once a budget is spent. */
export type BudgetAction = 'block' | 'degrade';

/** A spending limit per UTC calendar period. */
export interface BudgetDefinition {
  readonly id: string;
  readonly name: string;
  readonly scope: BudgetScope;
  /** Team id, key id, route name or deployment id; null for `global`. */
  readonly scopeRef: string | null;
  readonly period: UtcPeriod;
  readonly amountMicroUsd: number;
  readonly action: BudgetAction;
  /**
   * For `degrade`: once the budget is spent, deployments whose input and output prices per
   * million tokens are both at or under this stay available (e.g. a local model).
   */
  readonly degradeMaxPricePerMillion: number | null;
  readonly enabled: boolean;
}

/**
 * One attempt's cost charged to one budget. Travels with the attempt's ledger record and is
 * applied in the same transaction that writes the record (only if the record is new), so spend
 * is counted exactly once, with the ledger.
 */
export interface BudgetCharge {
  readonly budgetId: string;
  /** Start of the budget period the cost counts in, ms since the epoch. */
  readonly periodStart: number;
  /** The lease the reservation came from; null for spend exempt from the cap (degrade). */
  readonly leaseId: string | null;
  readonly amountMicroUsd: number;
}

/**
 * The charges of a batch of records (one group per record) summed per budget, period and lease:
 * what the database and the accounts need, in a handful of rows instead of one per record and
 * budget. A lease belongs to one budget and period, so its id alone keys the sum.
 */
export function sumCharges(
  groups: readonly (readonly BudgetCharge[] | undefined)[],
): BudgetCharge[] {
  const sums = new Map<string, { -readonly [K in keyof BudgetCharge]: BudgetCharge[K] }>();
  for (const group of groups) {
    if (!group) continue;
    for (const charge of group) {
      const key = charge.leaseId ?? `${charge.budgetId}|${charge.periodStart}`;
      const sum = sums.get(key);
      if (sum) sum.amountMicroUsd += charge.amountMicroUsd;
      else sums.set(key, { ...charge });
    }
  }
  return [...sums.values()];
}
