import type { AttemptReport, PlanContext, RoutingPolicy } from '../routing-policy.js';

/** Round-robin: request n starts at deployment n mod K and fails over in index order. */
export class RoundRobinPolicy implements RoutingPolicy {
  readonly name = 'round-robin';
  readonly usesBreakers = true;
  readonly hardBudgetCap = false;
  private counter = 0;

  constructor(private readonly size: number) {}

  plan(context: PlanContext): readonly number[] {
    const order: number[] = [];
    for (let k = 0; k < this.size; k++) {
      const i = (this.counter + k) % this.size;
      if (context.available[i]) order.push(i);
    }
    this.counter++;
    return order;
  }

  report(_report: AttemptReport): void {}

  weights(): readonly number[] {
    return new Array<number>(this.size).fill(1 / this.size);
  }
}
