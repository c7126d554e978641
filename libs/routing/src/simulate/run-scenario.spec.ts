import { describe, expect, it } from '@jest/globals';
import { tinyScenario } from '../../test/scenario.factory.js';
import { POLICY_NAMES, rewardSettingsFor, runScenario } from './run-scenario.js';

describe('runScenario', () => {
  it('runs every policy on the same traffic, deterministically', () => {
    const a = runScenario(tinyScenario());
    expect(a.runs.map((r) => r.policy)).toEqual(POLICY_NAMES);
    expect(new Set(a.runs.map((r) => r.requests)).size).toBe(1);
    expect(a.budgetMicroUsd).toBeNull();
    expect(a.adaptiveHistory.length).toBeGreaterThan(70);
    const b = runScenario(tinyScenario());
    expect(b.runs.map((r) => r.totalCostMicroUsd)).toEqual(a.runs.map((r) => r.totalCostMicroUsd));
  });

  it('sets the budget to its share of what the unconstrained oracle spends', () => {
    const result = runScenario(tinyScenario({ budgetShareOfUnconstrained: 0.25 }), [
      'oracle',
      'stilts-adaptive',
    ]);
    expect(result.budgetMicroUsd).toBe(Math.floor(result.unconstrainedCostMicroUsd! * 0.25));
    for (const run of result.runs)
      expect(run.totalCostMicroUsd).toBeLessThanOrEqual(result.budgetMicroUsd!);
  });
});

describe('rewardSettingsFor', () => {
  it('pins c_ref to the objective, or to the dearest expected call', () => {
    expect(rewardSettingsFor(tinyScenario()).costReferenceMicroUsd).toBe(11_000);
    const auto = tinyScenario();
    const derived = rewardSettingsFor({
      ...auto,
      objective: { ...auto.objective, costReferenceMicroUsd: null },
    });
    expect(derived.costReferenceMicroUsd).toBeGreaterThan(5_000);
  });
});
