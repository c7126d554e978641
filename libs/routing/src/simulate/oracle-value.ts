import { expectedCostMicroUsd } from '../bandit/call-cost.js';
import { lognormalCdf, lognormalMean } from './distributions.js';
import type { ProviderState } from './provider-model.js';
import type { RewardSettings } from './request-reward.js';
import type { TrafficOptions } from './traffic.js';

/** What a deployment is truly worth to one request sent to it first. */
export interface TrueValue {
  /** v = p · (a · P(L <= T) + (1 − a) · P(L <= SLO)); 0 while down. */
  readonly value: number;
  /** Expected cost of a successful call at the mean token counts, micro-USD. */
  readonly costMicroUsd: number;
  /** u = v − κ · cost / c_ref. */
  readonly utility: number;
}

/**
 * The truth the oracle acts on. A success of latency L ~ LogNormal(median, σ) counts only if
 * L <= T (the attempt timeout) and is fast if L <= SLO, so
 *
 *     v = p · (a · Φ_T + (1 − a) · Φ_SLO),   Φ_x = Φ(ln(x / median) / σ),
 *
 * and the cost is that of the traffic's mean input and (capped) output tokens at the price.
 */
export function trueValue(
  state: ProviderState,
  traffic: TrafficOptions,
  settings: RewardSettings,
  attemptTimeoutMs: number,
): TrueValue {
  const input = lognormalMean(traffic.inputTokensMedian, traffic.inputTokensSigma);
  const output = Math.min(
    traffic.maxTokens,
    lognormalMean(traffic.outputTokensMedian, traffic.outputTokensSigma) * state.outputTokenFactor,
  );
  const costMicroUsd = expectedCostMicroUsd(
    { inputTokens: input, outputTokens: output },
    state.price,
  );
  if (state.down) {
    return {
      value: 0,
      costMicroUsd,
      utility: -(settings.costWeight * costMicroUsd) / settings.costReferenceMicroUsd,
    };
  }
  const a = 1 - settings.speedWeight;
  const inTime = lognormalCdf(attemptTimeoutMs, state.latencyMedianMs, state.latencySigma);
  const fast = lognormalCdf(
    Math.min(settings.latencySloMs, attemptTimeoutMs),
    state.latencyMedianMs,
    state.latencySigma,
  );
  const value = state.successProbability * (a * inTime + (1 - a) * fast);
  return {
    value,
    costMicroUsd,
    utility: value - (settings.costWeight * costMicroUsd) / settings.costReferenceMicroUsd,
  };
}

/**
 * The best randomised allocation under a spend cap (the fluid LP): maximise Σ w_i u_i subject to
 * Σ w_i c_i <= budgetPerRequest, Σ w_i = 1, w >= 0. An optimum uses at most two deployments:
 * the best affordable one alone, or a pair (i, j) with c_i > cap >= c_j mixed so the cap binds,
 * w_i = (cap − c_j) / (c_i − c_j). O(K²). With no affordable deployment: all on the cheapest.
 * `budgetPerRequest` null: no cap (the best utility, ties to the lower index).
 */
export function bestAllocation(
  values: readonly TrueValue[],
  budgetPerRequest: number | null,
): number[] {
  const k = values.length;
  const w = new Array<number>(k).fill(0);
  if (k === 0) return w;
  let best = -1;
  let bestUtility = -Infinity;
  for (let i = 0; i < k; i++) {
    const v = values[i]!;
    if (budgetPerRequest !== null && v.costMicroUsd > budgetPerRequest) continue;
    if (v.utility > bestUtility) {
      bestUtility = v.utility;
      best = i;
    }
  }
  let pair: [number, number, number] | null = null;
  if (budgetPerRequest !== null) {
    for (let i = 0; i < k; i++) {
      const vi = values[i]!;
      if (vi.costMicroUsd <= budgetPerRequest) continue;
      for (let j = 0; j < k; j++) {
        const vj = values[j]!;
        if (vj.costMicroUsd > budgetPerRequest) continue;
        const wi = (budgetPerRequest - vj.costMicroUsd) / (vi.costMicroUsd - vj.costMicroUsd);
        const utility = wi * vi.utility + (1 - wi) * vj.utility;
        if (utility > bestUtility) {
          bestUtility = utility;
          pair = [i, j, wi];
        }
      }
    }
  }
  if (pair !== null) {
    w[pair[0]] = pair[2];
    w[pair[1]] = 1 - pair[2];
    return w;
  }
  if (best >= 0) {
    w[best] = 1;
    return w;
  }
  let cheapest = 0;
  for (let i = 1; i < k; i++) {
    if (values[i]!.costMicroUsd < values[cheapest]!.costMicroUsd) cheapest = i;
  }
  w[cheapest] = 1;
  return w;
}
