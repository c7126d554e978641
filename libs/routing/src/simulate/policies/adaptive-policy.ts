import { rollupReadStartMs } from '../../bandit/decay.js';
import { computeRouteWeights, type RouteWeights } from '../../bandit/route-weights.js';
import { maxCostMicroUsd } from '../../pricing/cost.js';
import type { Rng } from '../../rng.js';
import { weightedOrder } from '../../selection/weighted-order.js';
import type { AttemptReport, PlanContext, RoutingPolicy } from '../routing-policy.js';
import type { SimEnvironment } from '../sim-environment.js';
import { SimRollups } from '../sim-rollups.js';

/** One run of the simulated weights job. */
export interface WeightSnapshot {
  readonly atMs: number;
  /** Weights by deployment index. */
  readonly weights: readonly number[];
  readonly lambda: number;
}

/**
 * Stilts adaptive: the gateway side plans with the latest weight snapshot (weighted order over
 * the deployments whose breakers admit calls); the job side runs `computeRouteWeights` every
 * `intervalMs` of virtual time on the rollups this run produced — the rows a real job would read
 * (from `rollupReadStartMs`), the current prices, the budget's pace with the gateway's request
 * rate (last 5 complete minutes), deployments blocked when the budget cannot cover one typical
 * request there.
 */
export class AdaptivePolicy implements RoutingPolicy {
  readonly name = 'stilts-adaptive';
  readonly usesBreakers = true;
  readonly hardBudgetCap = true;
  /** Every job run, for the charts. */
  readonly history: WeightSnapshot[] = [];
  /** The job's last full output (reasons, posteriors). */
  last: RouteWeights | null = null;
  private readonly rollups = new SimRollups();
  private current: number[];
  private nextJobAtMs = 0;
  /** Requests planned per minute: the gateway's own request count. */
  private readonly requestsByMinute: number[] = [];

  constructor(
    private readonly env: SimEnvironment,
    private readonly planRng: Rng,
    private readonly jobRng: Rng,
    private readonly intervalMs = 15_000,
  ) {
    const k = env.deploymentIds.length;
    this.current = new Array<number>(k).fill(1 / k);
  }

  plan(context: PlanContext): readonly number[] {
    const minute = Math.floor(context.nowMs / 60_000);
    while (this.requestsByMinute.length <= minute) this.requestsByMinute.push(0);
    this.requestsByMinute[minute]!++;
    if (context.nowMs >= this.nextJobAtMs) {
      this.runJob(context.nowMs);
      this.nextJobAtMs = (Math.floor(context.nowMs / this.intervalMs) + 1) * this.intervalMs;
    }
    const candidates: { item: number; weight: number }[] = [];
    for (let i = 0; i < this.current.length; i++) {
      if (context.available[i]) candidates.push({ item: i, weight: this.current[i]! });
    }
    return weightedOrder(candidates, this.planRng).map((p) => p.item);
  }

  report(report: AttemptReport): void {
    this.rollups.record(report.nowMs, this.env.deploymentIds[report.deployment]!, report.attempt);
  }

  weights(): readonly number[] {
    return this.current;
  }

  private runJob(nowMs: number): void {
    const { scenario, timeline, budget } = this.env;
    const objective = scenario.objective;
    const remaining = budget.remaining();
    const deployments = this.env.deploymentIds.map((deploymentId, i) => {
      const price = timeline.stateAt(i, nowMs).price;
      const typical = maxCostMicroUsd(
        objective.priorInputTokens,
        scenario.traffic.maxTokens,
        price,
      );
      return { deploymentId, price, budgetBlocked: remaining !== null && remaining < typical };
    });
    // Requests per minute over the last 5 complete minutes (fewer at the start).
    const minute = Math.floor(nowMs / 60_000);
    const window = Math.min(5, minute);
    let requests = 0;
    for (let m = minute - window; m < minute; m++) requests += this.requestsByMinute[m] ?? 0;
    const result = computeRouteWeights(
      {
        routeId: scenario.name,
        nowMs,
        deployments,
        requestsPerMinute: window > 0 ? requests / window : undefined,
        rollups: this.rollups.since(rollupReadStartMs(nowMs, objective.halfLifeMs)),
        objective,
        budget:
          remaining === null
            ? null
            : {
                budgetId: `${scenario.name}-budget`,
                remainingMicroUsd: Math.max(0, remaining),
                remainingPeriodMs: Math.max(1, budget.periodEndMs - nowMs),
              },
      },
      this.jobRng,
    );
    this.last = result;
    this.current = this.env.deploymentIds.map((id) => result.weights[id] ?? 0);
    this.history.push({ atMs: nowMs, weights: this.current, lambda: result.lambda });
  }
}
