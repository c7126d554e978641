import type { PosteriorDraws } from './posterior-draws.js';

/** How often each arm wins the sampled utility, and what the winners cost. */
export interface WinShares {
  /** shares[k] = (draws won by arm k) / M; sums to 1 when there is at least one arm. */
  readonly shares: Float64Array;
  /** Mean over draws of the winner's sampled cost per successful call (micro-USD). */
  readonly meanWinnerCost: number;
}

/**
 * Thompson sampling's allocation for a cost multiplier θ = (κ + λ) / c_ref: in each draw m the
 * arm with the highest sampled utility
 *
 *     u_km = value_km − θ · cost_km
 *
 * wins (ties: the lower index); shares[k] is the fraction of draws arm k wins, i.e. the
 * Monte-Carlo estimate of P(k is best | data), the probability Thompson sampling would route a
 * request to k.
 *
 * The winner's cost is non-increasing in θ draw by draw (if i wins at θ₁ and j at θ₂ > θ₁,
 * adding the two optimality inequalities gives (θ₂ − θ₁)(c_i − c_j) >= 0), so meanWinnerCost is
 * non-increasing in θ. That is why raising λ never moves traffic to dearer deployments, and
 * why the pacing can search λ by bisection.
 *
 * O(M · K), no draws.
 *
 * @throws RangeError if θ is negative or not finite.
 */
export function winShares(draws: PosteriorDraws, costMultiplier: number): WinShares {
  if (!(Number.isFinite(costMultiplier) && costMultiplier >= 0)) {
    throw new RangeError(`cost multiplier must be a finite number >= 0, got ${costMultiplier}`);
  }
  const { draws: m, arms, value, cost } = draws;
  const wins = new Float64Array(arms);
  if (arms === 0) return { shares: wins, meanWinnerCost: 0 };
  let costSum = 0;
  for (let i = 0; i < m; i++) {
    let best = 0;
    let bestUtility = value[i]! - costMultiplier * cost[i]!;
    for (let k = 1; k < arms; k++) {
      const j = k * m + i;
      const u = value[j]! - costMultiplier * cost[j]!;
      if (u > bestUtility) {
        bestUtility = u;
        best = k;
      }
    }
    wins[best]! += 1;
    costSum += cost[best * m + i]!;
  }
  for (let k = 0; k < arms; k++) wins[k]! /= m;
  return { shares: wins, meanWinnerCost: costSum / m };
}
