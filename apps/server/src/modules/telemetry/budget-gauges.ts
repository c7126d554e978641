/** One budget's state for `/metrics`. Money in integer micro-USD, as everywhere in Stilts. */
export interface BudgetGauge {
  readonly budgetId: string;
  /** `global`, `team`, `key`, `route` or `deployment`. */
  readonly scope: string;
  /** What is left in the current period (may be negative after an overrun). */
  readonly remainingMicroUsd: number;
  /** The period's limit, when known. */
  readonly limitMicroUsd?: number;
}

/**
 * Implemented by the budgets module and provided under {@link BUDGET_GAUGES} (in any module:
 * telemetry looks it up without importing it). Read on scrape, never per request; it must
 * answer from memory.
 */
export interface BudgetGaugeSource {
  budgetGauges(): readonly BudgetGauge[] | Promise<readonly BudgetGauge[]>;
}

/** Optional provider token of a {@link BudgetGaugeSource}. */
export const BUDGET_GAUGES = Symbol('BUDGET_GAUGES');
