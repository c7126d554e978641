import type { Budget } from '@stilts/admin-contract';

/** Budget periods: UTC calendar day, ISO week (from Monday) and month, as the server uses. */
export type BudgetPeriod = Budget['period'];

/** [start, end) of the UTC period containing `now`, ms since the epoch. */
export function periodBounds(period: BudgetPeriod, now: number): { start: number; end: number } {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  switch (period) {
    case 'day':
      return { start: Date.UTC(y, m, day), end: Date.UTC(y, m, day + 1) };
    case 'week': {
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      return {
        start: Date.UTC(y, m, day - sinceMonday),
        end: Date.UTC(y, m, day - sinceMonday + 7),
      };
    }
    case 'month':
      return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
  }
}

/** A budget's status as fractions of its amount, for bars and badges. */
export interface BudgetGauge {
  /** spent / amount (1.2 = 20 % over: spend recorded after a block can still land). */
  readonly usedFraction: number;
  /** reserved / amount: in-flight reservations and leased slices. */
  readonly reservedFraction: number;
  /** projected / amount: where the period ends at the last hour's burn rate. */
  readonly projectedFraction: number;
  /** When what is left runs out at the burn rate (ms), or null if not this period. */
  readonly exhaustedAt: number | null;
  /**
   * `exhausted`: nothing left; `at-risk`: the projection overruns it; `warning`: it ends above
   * 80 %; `ok`; `disabled`: not enforced.
   */
  readonly status: 'ok' | 'warning' | 'at-risk' | 'exhausted' | 'disabled';
}

/** Reads a budget's status (all figures from the server) into a {@link BudgetGauge} at `now`. */
export function budgetGauge(budget: Budget, now: number): BudgetGauge {
  const { amountMicroUsd: amount, status } = budget;
  const ratio = (x: number): number => (amount > 0 ? x / amount : x > 0 ? Infinity : 0);
  const periodEnd = Date.parse(status.periodEnd);
  const burnPerMs = status.burnRateMicroUsdPerHour / 3_600_000;
  const left = Math.max(0, amount - status.spentMicroUsd - status.reservedMicroUsd);
  let exhaustedAt: number | null = null;
  if (left === 0) exhaustedAt = now;
  else if (burnPerMs > 0 && now + left / burnPerMs < periodEnd)
    exhaustedAt = now + left / burnPerMs;
  const usedFraction = ratio(status.spentMicroUsd);
  const projectedFraction = ratio(status.projectedMicroUsd);
  const state: BudgetGauge['status'] = !budget.enabled
    ? 'disabled'
    : left === 0 || usedFraction >= 1
      ? 'exhausted'
      : projectedFraction > 1
        ? 'at-risk'
        : projectedFraction >= 0.8
          ? 'warning'
          : 'ok';
  return {
    usedFraction,
    reservedFraction: ratio(status.reservedMicroUsd),
    projectedFraction,
    exhaustedAt,
    status: state,
  };
}
