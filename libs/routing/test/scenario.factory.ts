import { resolveRouteObjective } from '../src/bandit/route-objective.js';
import type { ProviderState } from '../src/simulate/provider-model.js';
import type { Scenario } from '../src/simulate/scenario.js';
import { ScenarioTimeline } from '../src/simulate/scenario.js';
import { BudgetLedger, type SimEnvironment } from '../src/simulate/sim-environment.js';
import { rewardSettingsFor } from '../src/simulate/run-scenario.js';

/** A provider state with overridable fields. */
export function providerState(patch: Partial<ProviderState> = {}): ProviderState {
  return {
    successProbability: 0.99,
    latencyMedianMs: 1_000,
    latencySigma: 0.3,
    price: { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 },
    outputTokenFactor: 1,
    down: false,
    ...patch,
  };
}

/** A short three-provider scenario for tests: 20 minutes at 2 requests per second. */
export function tinyScenario(patch: Partial<Scenario> = {}): Scenario {
  return {
    name: 'tiny',
    title: 'Tiny',
    description: 'A test scenario.',
    seed: 'tiny',
    durationMs: 20 * 60_000,
    traffic: {
      requestsPerSecond: 2,
      inputTokensMedian: 500,
      inputTokensSigma: 0.5,
      outputTokensMedian: 200,
      outputTokensSigma: 0.5,
      maxTokens: 512,
      streamShare: 0.2,
    },
    deployments: [
      { id: 'good', initial: providerState({ successProbability: 0.995 }) },
      {
        id: 'cheap',
        initial: providerState({
          successProbability: 0.9,
          latencyMedianMs: 6_000,
          price: { inputPerMillion: 100_000, outputPerMillion: 200_000 },
        }),
      },
      {
        id: 'dear',
        initial: providerState({
          latencyMedianMs: 500,
          price: { inputPerMillion: 10_000_000, outputPerMillion: 30_000_000 },
        }),
      },
    ],
    changes: [],
    staticWeights: { good: 1, cheap: 1, dear: 1 },
    budgetShareOfUnconstrained: null,
    objective: resolveRouteObjective({ costReferenceMicroUsd: 11_000 }),
    attemptTimeoutMs: 30_000,
    deadlineMs: 60_000,
    watch: null,
    ...patch,
  };
}

/** An environment for running policies of `scenario` directly. */
export function simEnvironment(
  scenario: Scenario,
  budgetMicroUsd: number | null = null,
): SimEnvironment {
  return {
    scenario,
    timeline: new ScenarioTimeline(scenario),
    deploymentIds: scenario.deployments.map((d) => d.id),
    reward: rewardSettingsFor(scenario),
    budget: new BudgetLedger(budgetMicroUsd, scenario.durationMs),
  };
}
