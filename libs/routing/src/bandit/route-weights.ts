import type { TokenPrice } from '../pricing/token-price.js';
import { SeededRng, type Rng } from '../rng.js';
import { paceMicroUsdPerMinute, type BudgetPace } from './budget-pace.js';
import { projectedSpendPerRequest, solvePacingLambda } from './budget-pacing.js';
import { tokensPerSuccess } from './call-cost.js';
import { collectEvidence } from './deployment-evidence.js';
import {
  betaMean,
  deploymentPosterior,
  routePrior,
  type DeploymentPosterior,
  type RoutePrior,
} from './deployment-posterior.js';
import { explorationFloors, mixExplorationFloor } from './exploration-floor.js';
import { drawPosteriors } from './posterior-draws.js';
import { requestsPerMinuteFromRollups } from './request-rate.js';
import type { RollupInput } from './rollup-input.js';
import { resolveRouteObjective, type RouteObjective } from './route-objective.js';
import { explainWeight, type ReasonFacts } from './weight-reason.js';
import { winShares } from './win-shares.js';

/** One deployment of the route as the job sees it. */
export interface DeploymentInput {
  readonly deploymentId: string;
  /** Current price: costs are estimated at it, so a price change applies at the next run. */
  readonly price: TokenPrice;
  /** False when the deployment or its provider is disabled (config or override). Default true. */
  readonly enabled?: boolean;
  /**
   * True when a budget rules it out: a deployment-scope budget is spent, or a `degrade` budget
   * allows only deployments under a price ceiling. Default false.
   */
  readonly budgetBlocked?: boolean;
}

/** Everything the weights job needs for one route. Plain data. */
export interface RouteWeightsInput {
  readonly routeId: string;
  /** The job's clock reading, ms since the epoch. */
  readonly nowMs: number;
  readonly deployments: readonly DeploymentInput[];
  /**
   * The route's rollup rows. Reading from `rollupReadStartMs(now, halfLife)` is enough; older
   * rows are skipped at the cost of one comparison each.
   */
  readonly rollups: readonly RollupInput[];
  /** Overrides of `DEFAULT_ROUTE_OBJECTIVE`. */
  readonly objective?: Partial<RouteObjective>;
  /** The binding budget (see `tightestBudgetPace`), or null/absent: no pacing, λ = 0. */
  readonly budget?: BudgetPace | null;
  /**
   * The route's current request rate, for pacing. Default: `requestsPerMinuteFromRollups` over
   * the last 5 complete minutes.
   */
  readonly requestsPerMinute?: number;
}

/** Why a deployment is or is not in the draw. */
export type DeploymentStatus = 'eligible' | 'disabled' | 'budget-blocked';

/** One deployment's posterior, summarised for the dashboard. */
export interface PosteriorSummary {
  /** E[p_succ] = α_s / (α_s + β_s). */
  readonly successMean: number;
  /** E[p_fast] = α_f / (α_f + β_f). */
  readonly fastMean: number;
  /** Decayed successes + failures since the current regime began. */
  readonly effectiveCalls: number;
  /** Decayed successes. */
  readonly effectiveSuccesses: number;
  /** Undecayed calls the posterior rests on. */
  readonly rawCalls: number;
  /** Posterior mean cost per successful call at current prices, micro-USD. */
  readonly costPerSuccessMicroUsd: number;
  /** The price-based prior of that cost, micro-USD. */
  readonly priorCostMicroUsd: number;
  /** Decayed mean latency of successes, or null without successes. */
  readonly meanLatencyMs: number | null;
  /** Utility at the posterior means and the λ used: E[v] − (κ + λ) · E[c] / c_ref. */
  readonly meanUtility: number;
}

/** One deployment in the job's output. */
export interface DeploymentWeight {
  readonly deploymentId: string;
  readonly status: DeploymentStatus;
  /** Routing weight; the eligible ones sum to 1, the others are 0. */
  readonly weight: number;
  /** Share of the M posterior draws it wins (before the floor); 0 when not eligible. */
  readonly winShare: number;
  /**
   * Its exploration floor φ: ε / K, scaled down under a budget when one call costs more than
   * the pace allows per request (see `explorationFloors`); 0 when not eligible.
   */
  readonly floor: number;
  readonly posterior: PosteriorSummary;
  /** Start of the current regime when the change detector fired, else null. */
  readonly changeAtMs: number | null;
  /** One line for the dashboard, e.g. "winner: success 99.8%, p(fast)=0.91, $0.0004/call". */
  readonly reason: string;
}

/** The pacing's inputs and result, for the dashboard and audit. */
export interface PacingSummary {
  readonly budgetId: string | null;
  /** remaining / remaining period, micro-USD per minute. */
  readonly paceMicroUsdPerMinute: number;
  /** (1 − headroom) · pace: what the projection must fit under. */
  readonly targetMicroUsdPerMinute: number;
  /** Projected spend rate at the chosen λ. */
  readonly projectedMicroUsdPerMinute: number;
  readonly requestsPerMinute: number;
  /** False when no λ fits (the hard cap will reject or degrade requests). */
  readonly feasible: boolean;
}

/** The job's output for one route. */
export interface RouteWeights {
  readonly routeId: string;
  readonly computedAtMs: number;
  /** deploymentId → weight (every input deployment; eligible ones sum to 1). */
  readonly weights: Readonly<Record<string, number>>;
  /** The budget-pacing multiplier λ (0 without a budget or when the budget does not bind). */
  readonly lambda: number;
  /** c_ref used, micro-USD per call. */
  readonly costReferenceMicroUsd: number;
  /** The success and within-SLO priors shared by the route's deployments. */
  readonly prior: RoutePrior;
  /** Expected spend per request under these weights, one failover included, micro-USD. */
  readonly projectedSpendMicroUsdPerRequest: number;
  /** Null without a budget. */
  readonly pacing: PacingSummary | null;
  readonly deployments: readonly DeploymentWeight[];
  /** The resolved objective the weights were computed with. */
  readonly objective: Readonly<RouteObjective>;
}

/**
 * The weights job's core for one route (DESIGN.md, "Adaptive weights"):
 *
 * 1. evidence: `collectEvidence` — decayed rollups (half-life h) since each deployment's latest
 *    detected change point;
 * 2. posteriors: `deploymentPosterior` — Beta success and within-SLO with the route's
 *    empirical-Bayes prior (`routePrior`, n₀ = priorCalls), inverse-gamma cost per successful
 *    call with a price-based prior;
 * 3. M draws per eligible deployment (`drawPosteriors`), utility
 *    u = p_succ · (a + (1 − a) · p_fast) − (κ + λ) · c / c_ref;
 * 4. λ: 0 without a budget, else `solvePacingLambda` on the same draws;
 * 5. weights: win shares at λ mixed with the floors, w_k = (1 − Σφ) · s_k + φ_k over the K
 *    eligible deployments, φ_k = ε / K (scaled by affordability under a budget, see
 *    `explorationFloors`); disabled and budget-blocked deployments get 0.
 *
 * c_ref = objective.costReferenceMicroUsd, or the largest prior cost per call among enabled
 * deployments (1 micro-USD if all are free).
 *
 * Randomness: exactly one `rng.next()`, which seeds a `SeededRng` per eligible deployment
 * (`${u}:${deploymentId}`), so equal inputs and seeds give equal outputs and one deployment's
 * draws do not shift when another is added.
 *
 * Cost: O(rows · log rows) to read, O(M · K · (5 gamma draws + pacing evaluations)).
 *
 * @throws RangeError on duplicate deployment ids, invalid rows, prices, budget or objective.
 */
export function computeRouteWeights(input: RouteWeightsInput, rng: Rng): RouteWeights {
  const objective = resolveRouteObjective(input.objective);
  const seed = rng.next();
  if (!Number.isFinite(input.nowMs))
    throw new RangeError(`nowMs must be finite, got ${input.nowMs}`);
  const ids = new Set<string>();
  for (const d of input.deployments) {
    if (ids.has(d.deploymentId)) {
      throw new RangeError(`route ${input.routeId}: duplicate deployment ${d.deploymentId}`);
    }
    ids.add(d.deploymentId);
  }

  const evidence = collectEvidence(input.rollups, ids, {
    nowMs: input.nowMs,
    halfLifeMs: objective.halfLifeMs,
    latencySloMs: objective.latencySloMs,
    detectChanges: objective.detectChanges,
    changeFalseAlarm: objective.changeFalseAlarm,
  });
  const routeTokens = tokensPerSuccess(evidence.pooled, {
    inputTokens: objective.priorInputTokens,
    outputTokens: objective.priorOutputTokens,
  });

  const prior = routePrior(
    [...evidence.byDeployment.values()].map((e) => e.stats),
    objective.priorCalls,
  );
  const rows = input.deployments.map((d) => {
    const ev = evidence.byDeployment.get(d.deploymentId)!;
    const posterior = deploymentPosterior(ev.stats, d.price, routeTokens, prior);
    const status: DeploymentStatus =
      d.enabled === false ? 'disabled' : d.budgetBlocked === true ? 'budget-blocked' : 'eligible';
    return { input: d, evidence: ev, posterior, status };
  });

  let costReference = objective.costReferenceMicroUsd ?? 0;
  if (objective.costReferenceMicroUsd === null) {
    for (const r of rows) {
      if (r.status !== 'disabled') costReference = Math.max(costReference, r.posterior.costPrior);
    }
    if (!(costReference > 0)) costReference = 1;
  }

  const eligible = rows.filter((r) => r.status === 'eligible');
  const posteriors: DeploymentPosterior[] = eligible.map((r) => r.posterior);
  const draws = drawPosteriors(
    posteriors,
    objective.draws,
    objective.speedWeight,
    eligible.map((r) => new SeededRng(`${seed}:${r.input.deploymentId}`)),
  );

  // Expected billed cost of one attempt and failure probability, at the posterior means.
  const attemptCosts = posteriors.map((p) => betaMean(p.success) * p.costMean);
  const failureProbabilities = posteriors.map((p) => 1 - betaMean(p.success));

  let lambda = 0;
  let shares: Float64Array;
  let floors: number[];
  let pacing: PacingSummary | null = null;
  const budget = input.budget ?? null;
  if (budget !== null && eligible.length > 0) {
    const pace = paceMicroUsdPerMinute(budget);
    const requestsPerMinute =
      input.requestsPerMinute ?? requestsPerMinuteFromRollups(input.rollups, input.nowMs);
    if (!(Number.isFinite(requestsPerMinute) && requestsPerMinute >= 0)) {
      throw new RangeError(`requestsPerMinute must be >= 0, got ${requestsPerMinute}`);
    }
    const target = (1 - objective.paceHeadroom) * pace;
    floors = explorationFloors(
      attemptCosts,
      objective.explorationFloor,
      requestsPerMinute > 0 ? target / requestsPerMinute : Infinity,
    );
    const solved = solvePacingLambda({
      draws,
      costWeight: objective.costWeight,
      costReferenceMicroUsd: costReference,
      floors,
      attemptCosts,
      failureProbabilities,
      requestsPerMinute,
      targetMicroUsdPerMinute: target,
    });
    lambda = solved.lambda;
    shares = solved.shares;
    pacing = {
      budgetId: budget.budgetId ?? null,
      paceMicroUsdPerMinute: pace,
      targetMicroUsdPerMinute: target,
      projectedMicroUsdPerMinute: solved.projectedMicroUsdPerMinute,
      requestsPerMinute,
      feasible: solved.feasible,
    };
  } else {
    floors = explorationFloors(attemptCosts, objective.explorationFloor);
    shares = winShares(draws, objective.costWeight / costReference).shares;
  }
  const mixed = mixExplorationFloor(shares, floors);
  const spendPerRequest = projectedSpendPerRequest(mixed, attemptCosts, failureProbabilities);

  const a = 1 - objective.speedWeight;
  const multiplier = objective.costWeight + lambda;
  const facts: ReasonFacts[] = [];
  const weightOf = new Map<string, { weight: number; share: number; floor: number }>();
  eligible.forEach((r, k) =>
    weightOf.set(r.input.deploymentId, { weight: mixed[k]!, share: shares[k]!, floor: floors[k]! }),
  );
  for (const r of rows) {
    const stats = r.evidence.stats;
    facts.push({
      deploymentId: r.input.deploymentId,
      status: r.status,
      winShare: weightOf.get(r.input.deploymentId)?.share ?? 0,
      successMean: betaMean(r.posterior.success),
      fastMean: betaMean(r.posterior.fast),
      effectiveCalls: stats.successes + stats.failures,
      costMicroUsd: r.posterior.costMean,
      changeAtMs: r.evidence.changeAtMs,
    });
  }
  let leader: ReasonFacts | null = null;
  for (const f of facts) {
    if (f.status === 'eligible' && (leader === null || f.winShare > leader.winShare)) leader = f;
  }
  const context = {
    nowMs: input.nowMs,
    halfLifeMs: objective.halfLifeMs,
    latencySloMs: objective.latencySloMs,
    baseValue: a,
    costMultiplier: multiplier,
    costReferenceMicroUsd: costReference,
    lambda,
    leader,
  };

  const weights: Record<string, number> = {};
  const deployments: DeploymentWeight[] = rows.map((r, i) => {
    const f = facts[i]!;
    const stats = r.evidence.stats;
    const weight = weightOf.get(r.input.deploymentId)?.weight ?? 0;
    weights[r.input.deploymentId] = weight;
    return {
      deploymentId: r.input.deploymentId,
      status: r.status,
      weight,
      winShare: f.winShare,
      floor: weightOf.get(r.input.deploymentId)?.floor ?? 0,
      posterior: {
        successMean: f.successMean,
        fastMean: f.fastMean,
        effectiveCalls: f.effectiveCalls,
        effectiveSuccesses: stats.successes,
        rawCalls: r.evidence.rawCalls,
        costPerSuccessMicroUsd: r.posterior.costMean,
        priorCostMicroUsd: r.posterior.costPrior,
        meanLatencyMs: stats.successes > 0 ? stats.latencySumMs / stats.successes : null,
        meanUtility:
          f.successMean * (a + (1 - a) * f.fastMean) -
          (multiplier * r.posterior.costMean) / costReference,
      },
      changeAtMs: r.evidence.changeAtMs,
      reason: explainWeight(f, context),
    };
  });

  return {
    routeId: input.routeId,
    computedAtMs: input.nowMs,
    weights,
    lambda,
    costReferenceMicroUsd: costReference,
    prior,
    projectedSpendMicroUsdPerRequest: spendPerRequest,
    pacing,
    deployments,
    objective,
  };
}

/**
 * {@link computeRouteWeights} for many routes, in order: what one run of the weights job
 * computes. Draws exactly one `rng.next()` per route.
 */
export function computeWeightsForRoutes(
  inputs: readonly RouteWeightsInput[],
  rng: Rng,
): RouteWeights[] {
  return inputs.map((input) => computeRouteWeights(input, rng));
}
