import type { RouteWeights } from '../bandit/route-weights.js';
import { SeededRng } from '../rng.js';
import { hashSeed } from './counter-hash.js';
import { trueValue } from './oracle-value.js';
import { AdaptivePolicy, type WeightSnapshot } from './policies/adaptive-policy.js';
import { CheapestFirstPolicy } from './policies/cheapest-first-policy.js';
import { LowestLatencyPolicy } from './policies/lowest-latency-policy.js';
import { OraclePolicy } from './policies/oracle-policy.js';
import { RoundRobinPolicy } from './policies/round-robin-policy.js';
import { StaticPolicy } from './policies/static-policy.js';
import type { RewardSettings } from './request-reward.js';
import type { PolicyName, RoutingPolicy } from './routing-policy.js';
import { runPolicy, type PolicyRun } from './run-policy.js';
import { ScenarioTimeline, type Scenario } from './scenario.js';
import { BudgetLedger, type SimEnvironment } from './sim-environment.js';
import { generateTraffic } from './traffic.js';

/** The policies in the order the benchmark reports them. */
export const POLICY_NAMES: readonly PolicyName[] = Object.freeze([
  'static',
  'round-robin',
  'lowest-latency',
  'cheapest-first',
  'stilts-adaptive',
  'oracle',
]);

/** Everything one scenario produced. */
export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly reward: RewardSettings;
  /** The budget every policy ran under (null: none). */
  readonly budgetMicroUsd: number | null;
  /** What the oracle spent on the same traffic without a budget (only when there is one). */
  readonly unconstrainedCostMicroUsd: number | null;
  /** One run per policy, in {@link POLICY_NAMES} order (or the order asked for). */
  readonly runs: readonly PolicyRun[];
  /** Every weights-job run of the adaptive policy. */
  readonly adaptiveHistory: readonly WeightSnapshot[];
  /** The adaptive policy's last job output, reasons included. */
  readonly adaptiveLast: RouteWeights | null;
}

/**
 * The reward settings of a scenario: its objective, with c_ref pinned — the objective's own, or
 * the largest true expected cost per call at time 0 — so every policy is scored on one scale.
 */
export function rewardSettingsFor(scenario: Scenario): RewardSettings {
  const o = scenario.objective;
  let costReference = o.costReferenceMicroUsd;
  if (costReference === null) {
    costReference = 1;
    for (const d of scenario.deployments) {
      const v = trueValue(
        d.initial,
        scenario.traffic,
        { ...o, costReferenceMicroUsd: 1 },
        scenario.attemptTimeoutMs,
      );
      costReference = Math.max(costReference, v.costMicroUsd);
    }
  }
  return {
    latencySloMs: o.latencySloMs,
    speedWeight: o.speedWeight,
    costWeight: o.costWeight,
    costReferenceMicroUsd: costReference,
  };
}

function makePolicy(name: PolicyName, env: SimEnvironment, seed: string): RoutingPolicy {
  const { scenario, timeline } = env;
  const k = env.deploymentIds.length;
  const rng = (label: string): SeededRng => new SeededRng(`${seed}:${name}:${label}`);
  switch (name) {
    case 'static':
      return new StaticPolicy(
        env.deploymentIds.map((id) => scenario.staticWeights[id] ?? 0),
        rng('plan'),
      );
    case 'round-robin':
      return new RoundRobinPolicy(k);
    case 'lowest-latency':
      return new LowestLatencyPolicy(k, scenario.attemptTimeoutMs);
    case 'cheapest-first':
      return new CheapestFirstPolicy(
        (now) => env.deploymentIds.map((_, i) => timeline.stateAt(i, now).price),
        scenario.objective.priorInputTokens,
        scenario.objective.priorOutputTokens,
      );
    case 'stilts-adaptive':
      return new AdaptivePolicy(env, rng('plan'), rng('job'));
    case 'oracle':
      return new OraclePolicy(env, rng('plan'));
  }
}

/**
 * Runs a scenario: one seeded traffic, then each policy over it in its own gateway model
 * (`runPolicy`) with its own budget ledger. With `budgetShareOfUnconstrained` set, the oracle
 * first runs without a budget and the budget is that share of what it spent.
 */
export function runScenario(
  scenario: Scenario,
  policies: readonly PolicyName[] = POLICY_NAMES,
): ScenarioResult {
  const timeline = new ScenarioTimeline(scenario);
  const traffic = generateTraffic(
    scenario.traffic,
    scenario.durationMs,
    new SeededRng(`${scenario.seed}:traffic`),
  );
  const attemptSeed = hashSeed(`${scenario.seed}:attempts`);
  const reward = rewardSettingsFor(scenario);
  const deploymentIds = scenario.deployments.map((d) => d.id);
  const envWith = (limit: number | null): SimEnvironment => ({
    scenario,
    timeline,
    deploymentIds,
    reward,
    budget: new BudgetLedger(limit, scenario.durationMs),
  });

  let budgetMicroUsd: number | null = null;
  let unconstrainedCostMicroUsd: number | null = null;
  if (scenario.budgetShareOfUnconstrained !== null) {
    const env = envWith(null);
    const free = runPolicy(
      env,
      traffic,
      makePolicy('oracle', env, `${scenario.seed}:free`),
      attemptSeed,
    );
    unconstrainedCostMicroUsd = free.totalCostMicroUsd;
    budgetMicroUsd = Math.floor(free.totalCostMicroUsd * scenario.budgetShareOfUnconstrained);
  }

  const runs: PolicyRun[] = [];
  let adaptiveHistory: readonly WeightSnapshot[] = [];
  let adaptiveLast: RouteWeights | null = null;
  for (const name of policies) {
    const env = envWith(budgetMicroUsd);
    const policy = makePolicy(name, env, scenario.seed);
    runs.push(runPolicy(env, traffic, policy, attemptSeed));
    if (policy instanceof AdaptivePolicy) {
      adaptiveHistory = policy.history;
      adaptiveLast = policy.last;
    }
  }
  return {
    scenario,
    reward,
    budgetMicroUsd,
    unconstrainedCostMicroUsd,
    runs,
    adaptiveHistory,
    adaptiveLast,
  };
}
