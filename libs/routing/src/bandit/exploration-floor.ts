/**
 * Per-deployment exploration floors: ε spread evenly over the K eligible deployments,
 *
 *     φ_k = (ε / K) · min(1, b / ā_k),
 *
 * where, under a budget, b is the spend per request the pace allows and ā_k the expected cost
 * of one attempt at k: a deployment whose single call costs n times what the budget allows per
 * request gets 1/n of the floor (it is still explored, at a rate the budget can pay for).
 * Without a budget pass `budgetPerRequest` = Infinity: every floor is ε / K.
 *
 * @throws RangeError if ε is outside [0, 1], b is negative or NaN, or a cost is negative or NaN.
 */
export function explorationFloors(
  attemptCosts: ArrayLike<number>,
  floor: number,
  budgetPerRequest = Infinity,
): number[] {
  if (!(floor >= 0 && floor <= 1)) throw new RangeError(`floor must be in [0, 1], got ${floor}`);
  if (!(budgetPerRequest >= 0)) {
    throw new RangeError(`budgetPerRequest must be >= 0, got ${budgetPerRequest}`);
  }
  const k = attemptCosts.length;
  const out = new Array<number>(k);
  for (let i = 0; i < k; i++) {
    const cost = attemptCosts[i]!;
    if (!(cost >= 0)) throw new RangeError(`attempt cost ${i} must be >= 0, got ${cost}`);
    const affordable = cost > budgetPerRequest ? budgetPerRequest / cost : 1;
    out[i] = (floor / k) * affordable;
  }
  return out;
}

/**
 * Mixes win shares with per-deployment floors φ_k (Σ φ <= 1):
 *
 *     w_k = (1 − Σ_j φ_j) · s_k + φ_k,
 *
 * so deployment k gets at least φ_k of the traffic and the weights sum to 1 when the shares do.
 * With uniform floors φ_k = ε / K this is w_k = (1 − ε) · s_k + ε / K.
 *
 * @throws RangeError if the lengths differ, a share is outside [0, 1], a floor is negative or
 *   the floors sum to more than 1.
 */
export function mixExplorationFloor(
  shares: ArrayLike<number>,
  floors: ArrayLike<number>,
): number[] {
  const k = shares.length;
  if (floors.length !== k)
    throw new RangeError(`need one floor per share: ${floors.length} vs ${k}`);
  let total = 0;
  for (let i = 0; i < k; i++) {
    const f = floors[i]!;
    if (!(f >= 0)) throw new RangeError(`floor ${i} must be >= 0, got ${f}`);
    total += f;
  }
  if (total > 1 + 1e-12) throw new RangeError(`floors sum to ${total} > 1`);
  const out = new Array<number>(k);
  for (let i = 0; i < k; i++) {
    const s = shares[i]!;
    if (!(s >= 0 && s <= 1)) throw new RangeError(`share ${i} must be in [0, 1], got ${s}`);
    out[i] = (1 - total) * s + floors[i]!;
  }
  return out;
}
