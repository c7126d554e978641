import type { Rng } from '../../rng.js';
import { weightedOrder } from '../../selection/weighted-order.js';
import type { AttemptReport, PlanContext, RoutingPolicy } from '../routing-policy.js';

/**
 * The classic router: fixed configured weights, drawn without replacement over the deployments
 * whose breakers admit calls (the gateway's `static` strategy).
 */
export class StaticPolicy implements RoutingPolicy {
  readonly name = 'static';
  readonly usesBreakers = true;
  readonly hardBudgetCap = false;

  constructor(
    private readonly configured: readonly number[],
    private readonly rng: Rng,
  ) {}

  plan(context: PlanContext): readonly number[] {
    const candidates: { item: number; weight: number }[] = [];
    for (let i = 0; i < this.configured.length; i++) {
      if (context.available[i]) candidates.push({ item: i, weight: this.configured[i]! });
    }
    return weightedOrder(candidates, this.rng).map((p) => p.item);
  }

  report(_report: AttemptReport): void {}

  weights(): readonly number[] {
    const total = this.configured.reduce((s, w) => s + w, 0);
    return this.configured.map((w) => (total > 0 ? w / total : 0));
  }
}
