import { mixExplorationFloor } from './exploration-floor.js';
import type { PosteriorDraws } from './posterior-draws.js';
import { winShares } from './win-shares.js';

/** λ is searched in [0, MAX_PACING_LAMBDA]; beyond it cost decides every draw anyway. */
export const MAX_PACING_LAMBDA = 1e9;

/** What the pacing solves over (arrays indexed like the draws' arms). */
export interface PacingInput {
  readonly draws: PosteriorDraws;
  /** κ: the route's base cost weight. */
  readonly costWeight: number;
  /** c_ref, micro-USD per call (> 0). */
  readonly costReferenceMicroUsd: number;
  /** φ_k: exploration floors (see `explorationFloors`). */
  readonly floors: readonly number[];
  /** ā_k: expected billed cost of one attempt at k, micro-USD. */
  readonly attemptCosts: readonly number[];
  /** 1 − E[p_succ,k]: probability an attempt at k fails over. */
  readonly failureProbabilities: readonly number[];
  /** The route's request rate. */
  readonly requestsPerMinute: number;
  /** The spend rate to stay under: (1 − headroom) · pace, micro-USD per minute. */
  readonly targetMicroUsdPerMinute: number;
}

/** The pacing's answer. */
export interface PacingResult {
  /** Smallest λ >= 0 found (within relative 1e-4) whose projected spend fits, or the cap. */
  readonly lambda: number;
  /** False when even λ = cap projects more than the target (the hard cap must then act). */
  readonly feasible: boolean;
  /** Projected spend rate at `lambda`, micro-USD per minute. */
  readonly projectedMicroUsdPerMinute: number;
  /** Projected spend per request at `lambda`, micro-USD. */
  readonly spendPerRequest: number;
  /** Win shares at `lambda` (before the floors). */
  readonly shares: Float64Array;
  /** Share evaluations done (each O(M · K)). */
  readonly evaluations: number;
}

/**
 * Expected spend of one request under routing weights w, counting one failover:
 *
 *     E[spend] = Σ_k w_k · ( ā_k + f_k · Σ_{j≠k} w_j · ā_j / (1 − w_k) ),
 *
 * since the gateway draws the fallback from the remaining weights. ā_k is the expected billed
 * cost of an attempt (failed attempts bill only what they streamed), f_k its failure
 * probability. A second failover has probability f_k · f_j and is left out.
 *
 * @throws RangeError if the arrays' lengths differ.
 */
export function projectedSpendPerRequest(
  weights: ArrayLike<number>,
  attemptCosts: ArrayLike<number>,
  failureProbabilities: ArrayLike<number>,
): number {
  const k = weights.length;
  if (attemptCosts.length !== k || failureProbabilities.length !== k) {
    throw new RangeError('weights, attempt costs and failure probabilities must align');
  }
  let weighted = 0;
  for (let i = 0; i < k; i++) weighted += weights[i]! * attemptCosts[i]!;
  let spend = 0;
  for (let i = 0; i < k; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    const others = 1 - w;
    const fallback = others > 1e-12 ? (weighted - w * attemptCosts[i]!) / others : 0;
    spend += w * (attemptCosts[i]! + failureProbabilities[i]! * fallback);
  }
  return spend;
}

/**
 * Budget pacing (DESIGN.md): the smallest λ >= 0 such that
 *
 *     S(λ) = rate · E[spend](w(λ)) <= target,   w(λ) = floor-mixed win shares at θ = (κ + λ)/c_ref,
 *
 * with E[spend] from {@link projectedSpendPerRequest} and the win shares computed on the *same*
 * posterior draws for every λ. Raising λ moves draws to cheaper winners (the winner's cost is
 * non-increasing in θ, see `winShares`), so S falls with λ up to the failover term, which
 * depends on the mix and is second order. Search: S(0) <= target gives λ = 0; otherwise
 * λ_hi = 1, 4, 16, ... until S(λ_hi) <= target (past {@link MAX_PACING_LAMBDA}: infeasible),
 * then bisection keeping S(λ_hi) <= target < S(λ_lo) until λ_hi − λ_lo <= 1e-4 · λ_hi,
 * returning λ_hi. λ is the Lagrange multiplier of "maximise expected utility subject to spend
 * rate <= pace" (the dual price of the budget, as in bandits with knapsacks).
 *
 * Deterministic: no randomness beyond the given draws. At most ~15 + ~20 evaluations.
 *
 * @throws RangeError if c_ref is not > 0, the rate or target is negative or not finite, or the
 *   arrays do not match the draws' arms.
 */
export function solvePacingLambda(input: PacingInput): PacingResult {
  const { draws, costWeight, costReferenceMicroUsd: cRef } = input;
  if (!(Number.isFinite(cRef) && cRef > 0)) {
    throw new RangeError(`costReferenceMicroUsd must be > 0, got ${cRef}`);
  }
  if (!(Number.isFinite(input.requestsPerMinute) && input.requestsPerMinute >= 0)) {
    throw new RangeError(`requestsPerMinute must be >= 0, got ${input.requestsPerMinute}`);
  }
  if (!(Number.isFinite(input.targetMicroUsdPerMinute) && input.targetMicroUsdPerMinute >= 0)) {
    throw new RangeError(`target must be >= 0, got ${input.targetMicroUsdPerMinute}`);
  }
  for (const a of [input.floors, input.attemptCosts, input.failureProbabilities]) {
    if (a.length !== draws.arms) throw new RangeError(`expected ${draws.arms} values per arm`);
  }
  let evaluations = 0;
  const evaluate = (lambda: number): { shares: Float64Array; rate: number; perRequest: number } => {
    evaluations++;
    const w = winShares(draws, (costWeight + lambda) / cRef);
    const weights = mixExplorationFloor(w.shares, input.floors);
    const perRequest = projectedSpendPerRequest(
      weights,
      input.attemptCosts,
      input.failureProbabilities,
    );
    return { shares: w.shares, rate: input.requestsPerMinute * perRequest, perRequest };
  };
  const result = (
    lambda: number,
    feasible: boolean,
    at: { shares: Float64Array; rate: number; perRequest: number },
  ): PacingResult => ({
    lambda,
    feasible,
    projectedMicroUsdPerMinute: at.rate,
    spendPerRequest: at.perRequest,
    shares: at.shares,
    evaluations,
  });
  const target = input.targetMicroUsdPerMinute;
  const at0 = evaluate(0);
  if (at0.rate <= target) return result(0, true, at0);
  let lo = 0;
  let hi = 1;
  let atHi = evaluate(hi);
  while (atHi.rate > target) {
    if (hi >= MAX_PACING_LAMBDA) return result(hi, false, atHi);
    lo = hi;
    hi = Math.min(MAX_PACING_LAMBDA, hi * 4);
    atHi = evaluate(hi);
  }
  while (hi - lo > 1e-4 * hi) {
    const mid = (lo + hi) / 2;
    const atMid = evaluate(mid);
    if (atMid.rate <= target) {
      hi = mid;
      atHi = atMid;
    } else {
      lo = mid;
    }
  }
  return result(hi, true, atHi);
}
