import type { TokenPrice } from '../../pricing/token-price.js';
import type { AttemptReport, PlanContext, RoutingPolicy } from '../routing-policy.js';

/**
 * Cheapest first with fallback: candidates in increasing list price of a typical call
 * (`inputTokens` in, `outputTokens` out) at the current prices, ties by index.
 */
export class CheapestFirstPolicy implements RoutingPolicy {
  readonly name = 'cheapest-first';
  readonly usesBreakers = true;
  readonly hardBudgetCap = false;

  constructor(
    private readonly prices: (nowMs: number) => readonly TokenPrice[],
    private readonly inputTokens = 1_000,
    private readonly outputTokens = 500,
  ) {}

  plan(context: PlanContext): readonly number[] {
    const cost = this.prices(context.nowMs).map(
      (p) => p.inputPerMillion * this.inputTokens + p.outputPerMillion * this.outputTokens,
    );
    const order: number[] = [];
    for (let i = 0; i < cost.length; i++) if (context.available[i]) order.push(i);
    return order.sort((a, b) => cost[a]! - cost[b]! || a - b);
  }

  report(_report: AttemptReport): void {}

  weights(): null {
    return null;
  }
}
