import { describe, expect, it } from '@jest/globals';
import { expectedCostMicroUsd, tokensPerSuccess } from './call-cost.js';
import { emptyDecayedStats, type DecayedStats } from './decayed-stats.js';
import {
  COST_PRIOR_CALLS,
  UNIFORM_PRIOR,
  betaMean,
  deploymentPosterior,
  routePrior,
} from './deployment-posterior.js';

const PRICE = { inputPerMillion: 1_000_000, outputPerMillion: 4_000_000 };
const TOKENS = { inputTokens: 1_000, outputTokens: 500 };

function stats(patch: Partial<DecayedStats>): DecayedStats {
  return { ...emptyDecayedStats(), ...patch };
}

describe('expectedCostMicroUsd and tokensPerSuccess', () => {
  it('prices tokens as (I · p_in + O · p_out) / 10^6', () => {
    expect(expectedCostMicroUsd(TOKENS, PRICE)).toBe(3_000);
    expect(() => expectedCostMicroUsd({ inputTokens: -1, outputTokens: 0 }, PRICE)).toThrow(
      RangeError,
    );
  });

  it('takes the route mix from pooled sums, or the fallback without a success', () => {
    expect(
      tokensPerSuccess(stats({ successes: 4, inputTokens: 800, outputTokens: 200 }), TOKENS),
    ).toEqual({
      inputTokens: 200,
      outputTokens: 50,
    });
    expect(tokensPerSuccess(stats({ successes: 0.5, inputTokens: 800 }), TOKENS)).toBe(TOKENS);
  });
});

describe('deploymentPosterior', () => {
  it('updates Beta(1, 1) by decayed counts under the uniform prior', () => {
    const p = deploymentPosterior(
      stats({ successes: 90.5, failures: 9.5, fast: 60.5 }),
      PRICE,
      TOKENS,
    );
    expect(p.success).toEqual({ alpha: 91.5, beta: 10.5 });
    expect(p.fast).toEqual({ alpha: 61.5, beta: 31 });
    expect(betaMean(p.success)).toBeCloseTo(91.5 / 102, 12);
  });

  it('uses the route prior Beta(n₀ p̄, n₀ (1 − p̄))', () => {
    const prior = { calls: 2, successRate: 0.99, fastRate: 0.8 };
    const p = deploymentPosterior(stats({ successes: 10, fast: 10 }), PRICE, TOKENS, prior);
    expect(p.success.alpha).toBeCloseTo(11.98, 12);
    expect(p.success.beta).toBeCloseTo(0.02, 12);
    expect(p.fast.alpha).toBeCloseTo(11.6, 12);
    expect(p.fast.beta).toBeCloseTo(0.4, 12);
  });

  it('shrinks the cost per success toward the price-based prior', () => {
    const none = deploymentPosterior(emptyDecayedStats(), PRICE, TOKENS);
    expect(none.costPrior).toBe(3_000);
    expect(none.costMean).toBeCloseTo(3_000, 9);
    // 10 successes that used twice the route's tokens: (2·3000 + 10·6000) / (2 + 10).
    const heavy = deploymentPosterior(
      stats({ successes: 10, inputTokens: 20_000, outputTokens: 10_000 }),
      PRICE,
      TOKENS,
    );
    expect(heavy.costMean).toBeCloseTo(
      (COST_PRIOR_CALLS * 3_000 + 60_000) / (COST_PRIOR_CALLS + 10),
      9,
    );
    expect(heavy.costShape).toBe(COST_PRIOR_CALLS + 11);
  });

  it('prices history at the current price (a price change applies at once)', () => {
    const s = stats({ successes: 100, inputTokens: 100_000, outputTokens: 50_000 });
    const before = deploymentPosterior(s, PRICE, TOKENS).costMean;
    const after = deploymentPosterior(
      s,
      { inputPerMillion: 100_000, outputPerMillion: 400_000 },
      TOKENS,
    ).costMean;
    expect(after).toBeCloseTo(before / 10, 9);
  });

  it('rejects negative or non-finite stats', () => {
    expect(() => deploymentPosterior(stats({ failures: -1 }), PRICE, TOKENS)).toThrow(RangeError);
    expect(() => deploymentPosterior(stats({ fast: Number.NaN }), PRICE, TOKENS)).toThrow(
      RangeError,
    );
  });
});

describe('routePrior', () => {
  it('centres on the Laplace-smoothed pooled rates', () => {
    const prior = routePrior(
      [stats({ successes: 98, failures: 0, fast: 49 }), stats({ successes: 0, failures: 0 })],
      2,
    );
    expect(prior).toEqual({ calls: 2, successRate: 99 / 100, fastRate: 50 / 100 });
  });

  it('is the uniform Beta(1, 1) without data', () => {
    expect(routePrior([], 2)).toEqual(UNIFORM_PRIOR);
    expect(() => routePrior([], 0)).toThrow(RangeError);
  });
});
