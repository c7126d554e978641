import type { TokenPrice } from '../pricing/token-price.js';
import { expectedCostMicroUsd, type TokensPerCall } from './call-cost.js';
import type { DecayedStats } from './decayed-stats.js';

/** Pseudo-calls of the price-based cost prior (m₀ in {@link deploymentPosterior}). */
export const COST_PRIOR_CALLS = 2;

/** Parameters of a Beta distribution. */
export interface BetaParams {
  readonly alpha: number;
  readonly beta: number;
}

/** Mean α / (α + β) of a Beta distribution. */
export function betaMean(p: BetaParams): number {
  return p.alpha / (p.alpha + p.beta);
}

/**
 * The Beta priors shared by a route's deployments (empirical Bayes): strength n₀ calls centred
 * on the route's pooled rates,
 *
 *     p̄_succ = (Σ_d S̃_d + 1) / (Σ_d (S̃_d + F̃_d) + 2),   p̄_fast = (Σ_d S̃_fast,d + 1) / (Σ_d S̃_d + 2)
 *
 * (Laplace-smoothed, so never 0 or 1), giving Beta(n₀ p̄, n₀ (1 − p̄)). With no data p̄ = 1/2 and
 * n₀ = 2 make the uniform Beta(1, 1).
 *
 * Why not always Beta(1, 1): its mean is 50 %, so a deployment with little evidence (new, or
 * just restarted by the change detector) looks far worse than LLM providers ever are; after n
 * clean calls its mean is only (n + 1)/(n + 2) and it needs ~100 calls to be trusted at 99 %.
 * A prior of the same weight centred on what this route's deployments actually achieve lets a
 * recovered provider compete after a handful of successes, while a few failures still sink it.
 */
export interface RoutePrior {
  /** n₀ */
  readonly calls: number;
  /** p̄_succ */
  readonly successRate: number;
  /** p̄_fast */
  readonly fastRate: number;
}

/**
 * {@link RoutePrior} from the deployments' decayed stats (their current regimes).
 *
 * @throws RangeError if calls is not a finite number > 0.
 */
export function routePrior(stats: Iterable<DecayedStats>, calls: number): RoutePrior {
  if (!(Number.isFinite(calls) && calls > 0)) {
    throw new RangeError(`prior calls must be a finite number > 0, got ${calls}`);
  }
  let s = 0;
  let f = 0;
  let fast = 0;
  for (const x of stats) {
    s += x.successes;
    f += x.failures;
    fast += Math.min(x.fast, x.successes);
  }
  return { calls, successRate: (s + 1) / (s + f + 2), fastRate: (fast + 1) / (s + 2) };
}

/** The uniform prior Beta(1, 1) of DESIGN.md (no pooling). */
export const UNIFORM_PRIOR: RoutePrior = Object.freeze({
  calls: 2,
  successRate: 0.5,
  fastRate: 0.5,
});

/**
 * One deployment's posterior, with n₀, p̄ from a {@link RoutePrior}:
 *
 * - success probability  p_succ ~ Beta(n₀ p̄_succ + S̃, n₀ (1 − p̄_succ) + F̃)
 * - within-SLO given success  p_fast ~ Beta(n₀ p̄_fast + S̃_fast, n₀ (1 − p̄_fast) + S̃ − S̃_fast)
 * - mean cost per successful call  c ~ InvGamma(m₀ + 1 + S̃, m₀ · c₀ + C̃)
 *
 * S̃, F̃, S̃_fast are decayed counts; C̃ is the decayed token sum priced at the current price
 * (so a price change applies at once); c₀ is the prior cost of a call from the price and the
 * route's tokens per call; m₀ = {@link COST_PRIOR_CALLS}. The cost model treats the cost of a
 * successful call as exponential with mean c, whose conjugate prior is the inverse gamma; the
 * posterior mean is the shrinkage estimate
 *
 *     E[c] = (m₀ · c₀ + C̃) / (m₀ + S̃),
 *
 * and the exponential's over-dispersion (token counts vary less) keeps the draws on the cautious
 * side.
 */
export interface DeploymentPosterior {
  readonly success: BetaParams;
  readonly fast: BetaParams;
  /** Inverse-gamma shape α_c and scale b_c of the mean cost per successful call (micro-USD). */
  readonly costShape: number;
  readonly costScale: number;
  /** E[c] = b_c / (α_c − 1). */
  readonly costMean: number;
  /** c₀: the price-based prior mean. */
  readonly costPrior: number;
}

/**
 * Builds the posterior of one deployment (see {@link DeploymentPosterior}) from its decayed
 * stats, its current price, the route's tokens per successful call and the route's prior
 * (default {@link UNIFORM_PRIOR}).
 *
 * @throws RangeError if a stat is negative or not finite, or a price is invalid.
 */
export function deploymentPosterior(
  stats: DecayedStats,
  price: TokenPrice,
  routeTokens: TokensPerCall,
  prior: RoutePrior = UNIFORM_PRIOR,
): DeploymentPosterior {
  for (const [name, v] of Object.entries(stats)) {
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`decayed ${name} must be a finite number >= 0, got ${String(v)}`);
    }
  }
  const s = stats.successes;
  const fast = Math.min(stats.fast, s);
  const costPrior = expectedCostMicroUsd(routeTokens, price);
  const observed = expectedCostMicroUsd(
    { inputTokens: stats.inputTokens, outputTokens: stats.outputTokens },
    price,
  );
  const costShape = COST_PRIOR_CALLS + 1 + s;
  const costScale = COST_PRIOR_CALLS * costPrior + observed;
  return {
    success: {
      alpha: prior.calls * prior.successRate + s,
      beta: prior.calls * (1 - prior.successRate) + stats.failures,
    },
    fast: {
      alpha: prior.calls * prior.fastRate + fast,
      beta: prior.calls * (1 - prior.fastRate) + s - fast,
    },
    costShape,
    costScale,
    costMean: costScale / (costShape - 1),
    costPrior,
  };
}
