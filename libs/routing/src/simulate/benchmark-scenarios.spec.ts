import { describe, expect, it } from '@jest/globals';
import {
  BENCHMARK_DEPLOYMENTS,
  BENCHMARK_OBJECTIVE,
  benchmarkScenarios,
} from './benchmark-scenarios.js';
import { trueValue } from './oracle-value.js';
import { rewardSettingsFor } from './run-scenario.js';
import { ScenarioTimeline } from './scenario.js';

describe('benchmarkScenarios', () => {
  const scenarios = benchmarkScenarios();

  it('covers the five scenarios of the issue with 4+ providers', () => {
    expect(scenarios.map((s) => s.name)).toEqual([
      'steady',
      'outage',
      'latency',
      'price',
      'budget',
    ]);
    expect(BENCHMARK_DEPLOYMENTS.length).toBeGreaterThanOrEqual(4);
    expect(scenarios.find((s) => s.name === 'budget')!.budgetShareOfUnconstrained).toBeCloseTo(
      1 / 3,
      12,
    );
    for (const s of scenarios) expect(() => new ScenarioTimeline(s)).not.toThrow();
  });

  it('makes the cheapest good provider the true best in steady state, and premium after its price cut', () => {
    const best = (name: string, atMs: number): string => {
      const s = scenarios.find((x) => x.name === name)!;
      const timeline = new ScenarioTimeline(s);
      const settings = rewardSettingsFor(s);
      const values = s.deployments.map(
        (_, i) =>
          trueValue(timeline.stateAt(i, atMs), s.traffic, settings, s.attemptTimeoutMs).utility,
      );
      return s.deployments[values.indexOf(Math.max(...values))]!.id;
    };
    expect(best('steady', 0)).toBe('sim-balanced');
    expect(best('outage', 90 * 60_000)).toBe('sim-fast');
    expect(best('latency', 90 * 60_000)).toBe('sim-fast');
    expect(best('price', 90 * 60_000)).toBe('sim-premium');
  });

  it("pins c_ref near premium's expected call cost", () => {
    const s = scenarios[0]!;
    const premium = trueValue(
      BENCHMARK_DEPLOYMENTS[0]!.initial,
      s.traffic,
      rewardSettingsFor(s),
      30_000,
    );
    expect(BENCHMARK_OBJECTIVE.costReferenceMicroUsd).toBeCloseTo(premium.costMicroUsd, -3);
  });
});
