import { CircuitBreaker } from '../breaker/circuit-breaker.js';
import { ManualClock } from '../clock.js';
import { maxCostMicroUsd } from '../pricing/cost.js';
import { hashUniform } from './counter-hash.js';
import { simulateAttempt } from './provider-model.js';
import { requestReward } from './request-reward.js';
import type { PolicyName, RoutingPolicy } from './routing-policy.js';
import type { SimEnvironment } from './sim-environment.js';
import type { SimRequest } from './traffic.js';

/** The gateway's attempt limit (DESIGN.md): first try plus two failovers. */
export const SIM_MAX_ATTEMPTS = 3;
/** Wait before calling a deployment a request already tried (ADR 1: revisits back off). */
export const SIM_REVISIT_BACKOFF_MS = 250;

/** Everything measured about one policy over one scenario. */
export interface PolicyRun {
  readonly policy: PolicyName;
  readonly requests: number;
  readonly successes: number;
  /** Requests refused before any attempt (no candidate, or the budget cap). */
  readonly rejected: number;
  /** Caller-seen latency per request (all attempts, backoff included); NaN when rejected. */
  readonly latencyMs: Float64Array;
  /** Reward per request (`requestReward`, 0 beyond the budget). */
  readonly reward: Float64Array;
  readonly totalCostMicroUsd: number;
  readonly budgetMicroUsd: number | null;
  /** Requests per minute whose first attempt went to each deployment: [minute][deployment]. */
  readonly firstPicks: number[][];
  readonly attempts: number;
}

/**
 * Runs one policy through the scenario's traffic, modelling the gateway (DESIGN.md, ADR 1):
 *
 * - the policy orders the candidates; deployments whose breaker is open are left out (plan);
 * - attempts walk the order, wrapping round with a {@link SIM_REVISIT_BACKOFF_MS} wait, at most
 *   {@link SIM_MAX_ATTEMPTS}, within the deadline; a failure after the first streamed byte ends
 *   the request; breakers (default options, virtual time) see every outcome;
 * - with a hard cap (Stilts, oracle), each attempt first reserves the worst case
 *   `maxCostMicroUsd(input, max_tokens, price)`; a candidate whose reservation does not fit is
 *   skipped (degrade to one that fits) and with none left the request is rejected. The
 *   reservation is settled at once (requests do not overlap in this model), so spend never
 *   passes the budget;
 * - spend is counted per attempt; failed attempts cost 0 unless they streamed.
 *
 * The outcome of request r's v-th visit to deployment d depends only on (seed, r, d, v) — not
 * on the policy — so policies face the same luck (common random numbers).
 *
 * Time: each request is processed whole at its arrival time (the breaker clock does not move
 * during it).
 */
export function runPolicy(
  env: SimEnvironment,
  traffic: readonly SimRequest[],
  policy: RoutingPolicy,
  seed: number,
): PolicyRun {
  const { scenario, timeline, budget, reward: settings } = env;
  const k = env.deploymentIds.length;
  const clock = new ManualClock(0);
  const breakers = env.deploymentIds.map(() => new CircuitBreaker(clock));
  const latencyMs = new Float64Array(traffic.length);
  const reward = new Float64Array(traffic.length);
  const firstPicks: number[][] = [];
  const allAvailable = new Array<boolean>(k).fill(true);
  const visits = new Int32Array(k);
  let successes = 0;
  let rejected = 0;
  let attempts = 0;

  for (let r = 0; r < traffic.length; r++) {
    const request = traffic[r]!;
    const now = request.atMs;
    clock.set(now);
    const available = policy.usesBreakers ? breakers.map((b) => b.isAvailable()) : allAvailable;
    const order = policy.plan({ nowMs: now, request, available });
    const spentBefore = budget.spentMicroUsd;
    visits.fill(0);
    let elapsed = 0;
    let cost = 0;
    let made = 0;
    let ok = false;
    let skipped = 0;
    for (let position = 0; made < SIM_MAX_ATTEMPTS && order.length > 0; position++) {
      if (skipped >= order.length) break;
      const d = order[position % order.length]!;
      const state = timeline.stateAt(d, now);
      if (
        policy.hardBudgetCap &&
        !budget.fits(maxCostMicroUsd(request.inputTokens, request.maxTokens, state.price))
      ) {
        skipped++;
        continue;
      }
      const breaker = breakers[d]!;
      if (policy.usesBreakers && !breaker.tryAcquire()) {
        skipped++;
        continue;
      }
      skipped = 0;
      const visit = visits[d]!;
      if (visit > 0) elapsed += SIM_REVISIT_BACKOFF_MS;
      if (elapsed >= scenario.deadlineMs) {
        if (policy.usesBreakers) breaker.release();
        break;
      }
      visits[d] = visit + 1;
      const key = d * 8 + visit;
      const attempt = simulateAttempt(
        state,
        request,
        {
          outcome: hashUniform(seed, r, key, 0, 0),
          latency1: hashUniform(seed, r, key, 1, 0),
          latency2: hashUniform(seed, r, key, 2, 0),
          failureKind: hashUniform(seed, r, key, 3, 0),
          midStream: hashUniform(seed, r, key, 4, 0),
        },
        Math.min(scenario.attemptTimeoutMs, scenario.deadlineMs - elapsed),
      );
      made++;
      attempts++;
      if (made === 1) {
        const minute = Math.floor(now / 60_000);
        while (firstPicks.length <= minute) firstPicks.push(new Array<number>(k).fill(0));
        firstPicks[minute]![d]!++;
      }
      elapsed += attempt.latencyMs;
      cost += attempt.costMicroUsd;
      budget.spentMicroUsd += attempt.costMicroUsd;
      policy.report({ nowMs: now, deployment: d, request, attempt });
      if (attempt.outcome === 'success') {
        if (policy.usesBreakers) breaker.success();
        ok = true;
        break;
      }
      if (policy.usesBreakers) breaker.failure();
      if (attempt.committed) break;
    }
    if (made === 0) rejected++;
    if (ok) successes++;
    latencyMs[r] = made === 0 ? Number.NaN : elapsed;
    const blocked = budget.limitMicroUsd !== null && spentBefore >= budget.limitMicroUsd;
    reward[r] = blocked ? 0 : requestReward(ok, elapsed, cost, settings);
  }
  return {
    policy: policy.name,
    requests: traffic.length,
    successes,
    rejected,
    latencyMs,
    reward,
    totalCostMicroUsd: budget.spentMicroUsd,
    budgetMicroUsd: budget.limitMicroUsd,
    firstPicks,
    attempts,
  };
}
