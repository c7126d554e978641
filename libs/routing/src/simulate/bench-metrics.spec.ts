import { describe, expect, it } from '@jest/globals';
import { tinyScenario } from '../../test/scenario.factory.js';
import {
  measureFailureResponse,
  measureRecovery,
  minuteShare,
  quantile,
  summarise,
} from './bench-metrics.js';
import type { PolicyName } from './routing-policy.js';
import type { PolicyRun } from './run-policy.js';
import type { ScenarioResult } from './run-scenario.js';

function run(policy: PolicyName, patch: Partial<PolicyRun> = {}): PolicyRun {
  return {
    policy,
    requests: 4,
    successes: 3,
    rejected: 0,
    latencyMs: Float64Array.from([100, 200, 300, Number.NaN]),
    reward: Float64Array.from([1, 1, 1, 0]),
    totalCostMicroUsd: 1_000,
    budgetMicroUsd: null,
    firstPicks: [],
    attempts: 5,
    ...patch,
  };
}

function result(runs: PolicyRun[], patch: Partial<ScenarioResult> = {}): ScenarioResult {
  return {
    scenario: tinyScenario(),
    reward: { latencySloMs: 1, speedWeight: 0, costWeight: 0, costReferenceMicroUsd: 1 },
    budgetMicroUsd: null,
    unconstrainedCostMicroUsd: null,
    runs,
    adaptiveHistory: [],
    adaptiveLast: null,
    ...patch,
  };
}

describe('quantile', () => {
  it('is the nearest-rank quantile of the finite values', () => {
    expect(quantile([5, 1, 4, 2, 3, Number.NaN], 0.95)).toBe(5);
    expect(quantile([5, 1, 4, 2, 3], 0.4)).toBe(2);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('summarise', () => {
  it('computes rates, overshoot and regret per 1000 requests against the oracle', () => {
    const rows = summarise(
      result([
        run('static', { budgetMicroUsd: 800, reward: Float64Array.from([1, 0.5, 0.5, 0]) }),
        run('oracle', { budgetMicroUsd: 800, totalCostMicroUsd: 800 }),
      ]),
    );
    expect(rows[0]).toMatchObject({
      policy: 'static',
      successRate: 0.75,
      p95LatencyMs: 300,
      overshootMicroUsd: 200,
      meanReward: 0.5,
      regretPer1k: 250,
    });
    expect(rows[1]!.regretPer1k).toBe(0);
    expect(rows[1]!.overshootMicroUsd).toBe(0);
  });
});

describe('measureRecovery and measureFailureResponse', () => {
  const scenario = tinyScenario({
    watch: { deploymentId: 'good', failAtMs: 60_000, recoverAtMs: 120_000 },
  });
  const minutes = (shares: number[]) =>
    shares.map((s) => [Math.round(s * 100), 100 - Math.round(s * 100), 0]);

  it('finds the first whole minute at >= 80 % of the oracle share and how long it held', () => {
    const stilts = run('stilts-adaptive', {
      firstPicks: minutes([1, 0, 0.1, 0.5, 0.85, 0.9, 0.7, 0.95]),
    });
    const oracle = run('oracle', { firstPicks: minutes([1, 0, 1, 1, 1, 1, 1, 1]) });
    const m = measureRecovery(result([stilts, oracle], { scenario }));
    expect(m).toEqual({ deploymentId: 'good', minutesToRecover: 3, heldFraction: 0.75 });
    expect(minuteShare(stilts, 3, 0)).toBe(0.5);
    expect(minuteShare(stilts, 99, 0)).toBeNaN();
  });

  it('counts job runs until the weight halves', () => {
    const history = [
      { atMs: 45_000, weights: [0.9, 0.05, 0.05], lambda: 0 },
      { atMs: 60_000, weights: [0.9, 0.05, 0.05], lambda: 0 },
      { atMs: 75_000, weights: [0.3, 0.6, 0.1], lambda: 0 },
    ];
    expect(measureFailureResponse(result([], { scenario, adaptiveHistory: history }))).toBe(2);
    expect(measureFailureResponse(result([]))).toBeNull();
  });
});
