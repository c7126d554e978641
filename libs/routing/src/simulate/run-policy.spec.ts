import { describe, expect, it } from '@jest/globals';
import { simEnvironment, tinyScenario } from '../../test/scenario.factory.js';
import { SeededRng } from '../rng.js';
import { RoundRobinPolicy } from './policies/round-robin-policy.js';
import { StaticPolicy } from './policies/static-policy.js';
import type { AttemptReport, PlanContext, RoutingPolicy } from './routing-policy.js';
import { runPolicy, SIM_MAX_ATTEMPTS } from './run-policy.js';
import { generateTraffic } from './traffic.js';

/** Always the same order; records what the gateway did. */
class FixedPolicy implements RoutingPolicy {
  readonly name = 'static';
  readonly reports: AttemptReport[] = [];
  readonly contexts: PlanContext[] = [];
  constructor(
    private readonly order: number[],
    readonly usesBreakers = true,
    readonly hardBudgetCap = false,
  ) {}
  plan(context: PlanContext): readonly number[] {
    this.contexts.push(context);
    return this.order.filter((i) => context.available[i]);
  }
  report(report: AttemptReport): void {
    this.reports.push(report);
  }
  weights(): null {
    return null;
  }
}

const SCENARIO = tinyScenario();
const TRAFFIC = generateTraffic(SCENARIO.traffic, SCENARIO.durationMs, new SeededRng('traffic'));

describe('runPolicy', () => {
  it('fails over to the next candidate and gives up after three attempts', () => {
    const down = tinyScenario({
      deployments: SCENARIO.deployments.map((d) => ({
        ...d,
        initial: { ...d.initial, down: true },
      })),
    });
    const policy = new FixedPolicy([0, 1, 2], false);
    const run = runPolicy(simEnvironment(down), TRAFFIC.slice(0, 10), policy, 1);
    expect(run.successes).toBe(0);
    expect(run.attempts).toBe(10 * SIM_MAX_ATTEMPTS);
    expect(policy.reports.slice(0, 3).map((r) => r.deployment)).toEqual([0, 1, 2]);
  });

  it('opens the breaker of a dead deployment and plans around it', () => {
    const scenario = tinyScenario({
      changes: [{ atMs: 0, deploymentId: 'good', set: { down: true }, label: 'down' }],
    });
    const policy = new FixedPolicy([0, 1, 2]);
    const run = runPolicy(simEnvironment(scenario), TRAFFIC.slice(0, 200), policy, 1);
    const toDead = policy.reports.filter((r) => r.deployment === 0).length;
    expect(toDead).toBeLessThan(20);
    expect(policy.contexts.some((c) => c.available[0] === false)).toBe(true);
    expect(run.successes).toBeGreaterThan(190);
  });

  it('never spends past the budget under the hard cap, rejecting what does not fit', () => {
    const policy = new FixedPolicy([2, 0, 1], true, true);
    const env = simEnvironment(SCENARIO, 50_000);
    const run = runPolicy(env, TRAFFIC, policy, 1);
    expect(run.totalCostMicroUsd).toBeLessThanOrEqual(50_000);
    expect(run.rejected).toBeGreaterThan(0);
    // Degrades to the cheap deployment before rejecting.
    expect(policy.reports.some((r) => r.deployment === 1)).toBe(true);
  });

  it('overshoots without the cap, and scores requests past the budget 0', () => {
    const env = simEnvironment(SCENARIO, 50_000);
    const run = runPolicy(env, TRAFFIC, new FixedPolicy([2, 0, 1]), 1);
    expect(run.totalCostMicroUsd).toBeGreaterThan(50_000);
    expect(run.reward[run.reward.length - 1]).toBe(0);
  });

  it('gives every policy the same luck for the same request and deployment', () => {
    const a = new FixedPolicy([0, 1, 2], false);
    const b = new FixedPolicy([0, 2, 1], false);
    runPolicy(simEnvironment(SCENARIO), TRAFFIC.slice(0, 300), a, 9);
    runPolicy(simEnvironment(SCENARIO), TRAFFIC.slice(0, 300), b, 9);
    const first = (p: FixedPolicy) =>
      p.reports
        .filter((r) => r.deployment === 0)
        .map((r) => [r.request.index, r.attempt.outcome, r.attempt.latencyMs]);
    expect(first(a).slice(0, 100)).toEqual(first(b).slice(0, 100));
  });

  it('is deterministic and counts first picks per minute', () => {
    const run = () =>
      runPolicy(
        simEnvironment(SCENARIO),
        TRAFFIC,
        new StaticPolicy([1, 1, 1], new SeededRng('s')),
        3,
      );
    const x = run();
    expect(run()).toEqual(x);
    const picks = x.firstPicks.flat().reduce((s, v) => s + v, 0);
    expect(picks).toBe(x.requests - x.rejected);
    expect(runPolicy(simEnvironment(SCENARIO), TRAFFIC, new RoundRobinPolicy(3), 3).requests).toBe(
      TRAFFIC.length,
    );
  });
});
