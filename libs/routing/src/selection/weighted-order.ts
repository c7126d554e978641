import type { Rng } from '../rng.js';

/** One candidate for {@link weightedOrder}: an item and its non-negative, finite weight. */
export interface WeightedCandidate<T> {
  readonly item: T;
  /** Relative weight (any non-negative finite scale; only ratios matter). 0 = last resort. */
  readonly weight: number;
}

/**
 * One position of the order drawn by {@link weightedOrder}.
 *
 * Note: this shadows TypeScript's global `Pick<T, K>` utility type in modules that import it;
 * import it under an alias (or use {@link WeightedPick}) where both are needed.
 */
export interface Pick<T> {
  readonly item: T;
  /** probability of this pick given the earlier picks */
  readonly probability: number;
}

/** Alias of {@link Pick} that does not collide with TypeScript's `Pick<T, K>` utility type. */
export type WeightedPick<T> = Pick<T>;

/**
 * Orders candidates by weighted sampling without replacement.
 *
 * Let P be the set of candidates with weight > 0 that have not been picked yet. Each step picks
 * candidate i in P with probability
 *
 *     p_i = w_i / Σ_{j ∈ P} w_j
 *
 * and removes it from P. `probability` on each pick is that conditional p_i; so the first pick's
 * probability is the unconditional propensity w_i / Σ_j w_j the gateway records, and the
 * probability of a whole order is the product of its picks' probabilities.
 *
 * Candidates with weight 0 follow all positive ones, in input order, with probability 0: they
 * are never drawn, only tried as a last resort.
 *
 * Randomness: exactly one `rng.next()` per positive-weight pick except the last remaining one
 * (its probability is 1 and needs no draw). So n positive candidates cost max(0, n − 1) draws.
 *
 * Cost: O(n²) time and one index array besides the result; fine for the ~10 candidates of a
 * route, on every request.
 *
 * @throws RangeError if a weight is negative, NaN or infinite, or the weights' sum overflows.
 */
export function weightedOrder<T>(candidates: readonly WeightedCandidate<T>[], rng: Rng): Pick<T>[] {
  // The positive-weight candidates still in the draw, in input order.
  const remaining: WeightedCandidate<T>[] = [];
  let total = 0;
  for (let index = 0; index < candidates.length; index++) {
    const candidate = candidates[index]!;
    const weight = candidate.weight;
    if (!Number.isFinite(weight) || weight < 0) {
      throw new RangeError(
        `candidate ${index} has weight ${weight}; weights must be finite and >= 0`,
      );
    }
    if (weight > 0) {
      remaining.push(candidate);
      total += weight;
    }
  }
  if (!Number.isFinite(total)) {
    throw new RangeError('the sum of the candidate weights overflows');
  }
  const zeroCount = candidates.length - remaining.length;

  const picks: Pick<T>[] = [];
  while (remaining.length > 1) {
    const target = rng.next() * total;
    // Rounding can leave the running sum just short of `total`; the last candidate then wins.
    let slot = remaining.length - 1;
    let cumulative = 0;
    for (let k = 0; k < remaining.length - 1; k++) {
      cumulative += remaining[k]!.weight;
      if (target < cumulative) {
        slot = k;
        break;
      }
    }
    const chosen = remaining[slot]!;
    picks.push({ item: chosen.item, probability: chosen.weight / total });
    remaining.splice(slot, 1);
    // Re-summing instead of subtracting keeps rounding error from building up across steps.
    total = 0;
    for (const candidate of remaining) total += candidate.weight;
  }
  for (const candidate of remaining) picks.push({ item: candidate.item, probability: 1 });

  if (zeroCount > 0) {
    for (const candidate of candidates) {
      if (candidate.weight === 0) picks.push({ item: candidate.item, probability: 0 });
    }
  }
  return picks;
}
