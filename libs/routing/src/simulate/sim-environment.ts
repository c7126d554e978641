import type { RewardSettings } from './request-reward.js';
import type { Scenario, ScenarioTimeline } from './scenario.js';

/**
 * The budget of one policy run: a limit over the whole run (null: none) and what has been
 * spent. The gateway model charges it; the budget-aware policies read it.
 */
export class BudgetLedger {
  spentMicroUsd = 0;

  constructor(
    readonly limitMicroUsd: number | null,
    readonly periodEndMs: number,
  ) {}

  /** limit − spent (may be negative for policies without a hard cap), or null. */
  remaining(): number | null {
    return this.limitMicroUsd === null ? null : this.limitMicroUsd - this.spentMicroUsd;
  }

  /** Whether a reservation of `amount` fits: spent + amount <= limit (always without a limit). */
  fits(amountMicroUsd: number): boolean {
    return this.limitMicroUsd === null || this.spentMicroUsd + amountMicroUsd <= this.limitMicroUsd;
  }
}

/** What every policy of one run may know about its world. */
export interface SimEnvironment {
  readonly scenario: Scenario;
  readonly timeline: ScenarioTimeline;
  /** Deployment ids by index. */
  readonly deploymentIds: readonly string[];
  readonly reward: RewardSettings;
  readonly budget: BudgetLedger;
}
