import { resolveRouteObjective } from '../bandit/route-objective.js';
import type { ProviderState } from './provider-model.js';
import type { Scenario, ScenarioChange, SimDeployment } from './scenario.js';
import type { TrafficOptions } from './traffic.js';

const MINUTE = 60_000;

/** Four providers with different prices, latency distributions and failure rates. */
export const BENCHMARK_DEPLOYMENTS: readonly SimDeployment[] = Object.freeze([
  {
    // Reliable and quick, but the most expensive by far.
    id: 'sim-premium',
    initial: provider(0.995, 1_800, 0.35, 5_000_000, 15_000_000, 1.0),
  },
  {
    // The cheapest good one: reliable, a bit slower, a tenth of premium's price.
    id: 'sim-balanced',
    initial: provider(0.993, 2_200, 0.4, 600_000, 2_400_000, 1.0),
  },
  {
    // The fastest, mid-priced, a little less reliable.
    id: 'sim-fast',
    initial: provider(0.98, 800, 0.35, 1_000_000, 4_000_000, 0.9),
  },
  {
    // Very cheap, slow and flaky (a small self-hosted model, say).
    id: 'sim-budget',
    initial: provider(0.93, 4_500, 0.6, 100_000, 400_000, 1.2),
  },
]);

function provider(
  successProbability: number,
  latencyMedianMs: number,
  latencySigma: number,
  inputPerMillion: number,
  outputPerMillion: number,
  outputTokenFactor: number,
): ProviderState {
  return {
    successProbability,
    latencyMedianMs,
    latencySigma,
    price: { inputPerMillion, outputPerMillion },
    outputTokenFactor,
    down: false,
  };
}

/** 5 requests per second, ~1,000 tokens in and ~360 out on average, 20 % streamed. */
export const BENCHMARK_TRAFFIC: TrafficOptions = Object.freeze({
  requestsPerSecond: 5,
  inputTokensMedian: 800,
  inputTokensSigma: 0.7,
  outputTokensMedian: 300,
  outputTokensSigma: 0.6,
  maxTokens: 1_024,
  streamShare: 0.2,
});

/**
 * The objective of the benchmark route: the library defaults, with c_ref pinned to premium's
 * expected cost per call at the benchmark's token mix (≈ 10,500 micro-USD), so the bandit
 * optimises exactly the reward every policy is scored with.
 */
export const BENCHMARK_OBJECTIVE = resolveRouteObjective({ costReferenceMicroUsd: 10_500 });

const DURATION = 240 * MINUTE;
const EVENT = 60 * MINUTE;
const RECOVERY = 180 * MINUTE;

function scenario(
  name: string,
  title: string,
  description: string,
  changes: ScenarioChange[],
  extra: Partial<Scenario> = {},
): Scenario {
  return {
    name,
    title,
    description,
    seed: `bench:${name}`,
    durationMs: DURATION,
    traffic: BENCHMARK_TRAFFIC,
    deployments: BENCHMARK_DEPLOYMENTS,
    changes,
    staticWeights: { 'sim-premium': 2, 'sim-balanced': 4, 'sim-fast': 3, 'sim-budget': 1 },
    budgetShareOfUnconstrained: null,
    objective: BENCHMARK_OBJECTIVE,
    attemptTimeoutMs: 30_000,
    deadlineMs: 60_000,
    watch: null,
    ...extra,
  };
}

/**
 * The five benchmark scenarios, 4 simulated hours each (~72,000 requests):
 *
 * - `steady`: nothing changes;
 * - `outage`: the cheapest good provider (sim-balanced) is down from 1:00 to 3:00, then
 *   recovers;
 * - `latency`: sim-balanced's latency grows 5x at 1:00 and comes back at 3:00;
 * - `price`: sim-premium cuts its price 10x at 1:00 (and becomes the best buy);
 * - `budget`: steady providers, but the run's budget is a third of what the unconstrained
 *   oracle spends on the same traffic.
 */
export function benchmarkScenarios(): Scenario[] {
  return [
    scenario('steady', 'Steady state', 'No changes for four hours.', []),
    scenario(
      'outage',
      'Outage and recovery',
      'sim-balanced, the cheapest good provider, is down from 1:00 to 3:00.',
      [
        { atMs: EVENT, deploymentId: 'sim-balanced', set: { down: true }, label: 'outage' },
        { atMs: RECOVERY, deploymentId: 'sim-balanced', set: { down: false }, label: 'recovered' },
      ],
      { watch: { deploymentId: 'sim-balanced', failAtMs: EVENT, recoverAtMs: RECOVERY } },
    ),
    scenario(
      'latency',
      'Latency degrades 5x',
      "sim-balanced's median latency goes from 2.2 s to 11 s at 1:00 and back at 3:00.",
      [
        {
          atMs: EVENT,
          deploymentId: 'sim-balanced',
          set: { latencyMedianMs: 11_000 },
          label: 'latency x5',
        },
        {
          atMs: RECOVERY,
          deploymentId: 'sim-balanced',
          set: { latencyMedianMs: 2_200 },
          label: 'latency back',
        },
      ],
      { watch: { deploymentId: 'sim-balanced', failAtMs: EVENT, recoverAtMs: RECOVERY } },
    ),
    scenario(
      'price',
      'Price change',
      'sim-premium cuts its price 10x at 1:00 ($0.50 / $1.50 per million tokens).',
      [
        {
          atMs: EVENT,
          deploymentId: 'sim-premium',
          set: { price: { inputPerMillion: 500_000, outputPerMillion: 1_500_000 } },
          label: 'premium price / 10',
        },
      ],
    ),
    scenario(
      'budget',
      'Budget at 1/3 of demand',
      'Unconstrained routing would spend 3x the budget of the four hours.',
      [],
      { budgetShareOfUnconstrained: 1 / 3 },
    ),
  ];
}
