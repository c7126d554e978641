import type { Rng } from '../../rng.js';
import { bestAllocation, trueValue, type TrueValue } from '../oracle-value.js';
import type { AttemptReport, PlanContext, RoutingPolicy } from '../routing-policy.js';
import type { SimEnvironment } from '../sim-environment.js';

/**
 * The oracle: knows every deployment's true success probability, latency distribution and
 * price at every moment (not the luck of individual calls). First pick: the allocation that
 * maximises expected utility (`bestAllocation`); under a budget, subject to the spend per
 * request — a first pick's own attempt plus, when it fails, the failover to the best other
 * deployment — that uses the remainder exactly by the end of the period,
 *
 *     cap = (1 − headroom) · remaining / (remaining time · true arrival rate);
 *
 * then the others by expected utility. Refreshed every `refreshMs`. No circuit breakers (it
 * knows an outage when it starts); the gateway's hard cap still applies.
 */
export class OraclePolicy implements RoutingPolicy {
  readonly name = 'oracle';
  readonly usesBreakers = false;
  readonly hardBudgetCap = true;
  private values: TrueValue[] = [];
  private allocation: number[] = [];
  private ranked: number[] = [];
  private nextRefreshMs = 0;

  constructor(
    private readonly env: SimEnvironment,
    private readonly rng: Rng,
    private readonly refreshMs = 1_000,
  ) {}

  plan(context: PlanContext): readonly number[] {
    if (context.nowMs >= this.nextRefreshMs) {
      this.refresh(context.nowMs);
      this.nextRefreshMs = context.nowMs + this.refreshMs;
    }
    let first = this.ranked[0]!;
    const positive = this.allocation.filter((w) => w > 0).length;
    if (positive > 1) {
      const u = this.rng.next();
      let cumulative = 0;
      for (let i = 0; i < this.allocation.length; i++) {
        cumulative += this.allocation[i]!;
        if (this.allocation[i]! > 0) first = i;
        if (u < cumulative) break;
      }
    } else {
      first = this.allocation.findIndex((w) => w > 0);
    }
    return [first, ...this.ranked.filter((i) => i !== first)];
  }

  report(_report: AttemptReport): void {}

  weights(): readonly number[] {
    return this.allocation;
  }

  private refresh(nowMs: number): void {
    const { scenario, timeline, budget, reward } = this.env;
    this.values = this.env.deploymentIds.map((_, i) =>
      trueValue(timeline.stateAt(i, nowMs), scenario.traffic, reward, scenario.attemptTimeoutMs),
    );
    const remaining = budget.remaining();
    let cap: number | null = null;
    if (remaining !== null) {
      const requestsLeft =
        (Math.max(1, budget.periodEndMs - nowMs) / 1000) * scenario.traffic.requestsPerSecond;
      cap = ((1 - scenario.objective.paceHeadroom) * Math.max(0, remaining)) / requestsLeft;
    }
    this.ranked = this.values
      .map((v, i) => ({ i, u: v.value > 0 ? v.utility : -Infinity }))
      .sort((a, b) => b.u - a.u || a.i - b.i)
      .map((x) => x.i);
    // What a first pick really costs: its own attempt, plus the failover to the best other
    // deployment when it fails.
    const withFailover = this.values.map((v, i) => {
      const next = this.ranked.find((j) => j !== i);
      const p = timeline.stateAt(i, nowMs);
      const ok = p.down ? 0 : p.successProbability;
      const fallback = next === undefined ? 0 : this.values[next]!.costMicroUsd;
      return { ...v, costMicroUsd: ok * v.costMicroUsd + (1 - ok) * fallback };
    });
    this.allocation = bestAllocation(withFailover, cap);
  }
}
