import type { AttemptReport, PlanContext, RoutingPolicy } from '../routing-policy.js';

/**
 * Lowest latency first: an EWMA of each deployment's attempt latency,
 *
 *     L ← (1 − α) · L + α · x,   x = latency of a success, or `failurePenaltyMs` for a failure,
 *
 * and candidates in increasing L (a deployment never tried counts 0, so it is tried first).
 * Cost is ignored — the usual "latency-based routing" of LLM proxies.
 */
export class LowestLatencyPolicy implements RoutingPolicy {
  readonly name = 'lowest-latency';
  readonly usesBreakers = true;
  readonly hardBudgetCap = false;
  private readonly ewma: number[];
  private readonly seen: boolean[];

  constructor(
    size: number,
    private readonly failurePenaltyMs: number,
    private readonly alpha = 0.1,
  ) {
    this.ewma = new Array<number>(size).fill(0);
    this.seen = new Array<boolean>(size).fill(false);
  }

  plan(context: PlanContext): readonly number[] {
    const order: number[] = [];
    for (let i = 0; i < this.ewma.length; i++) if (context.available[i]) order.push(i);
    return order.sort((a, b) => this.ewma[a]! - this.ewma[b]! || a - b);
  }

  report(report: AttemptReport): void {
    const i = report.deployment;
    const x =
      report.attempt.outcome === 'success' ? report.attempt.latencyMs : this.failurePenaltyMs;
    this.ewma[i] = this.seen[i] ? (1 - this.alpha) * this.ewma[i]! + this.alpha * x : x;
    this.seen[i] = true;
  }

  weights(): null {
    return null;
  }
}
