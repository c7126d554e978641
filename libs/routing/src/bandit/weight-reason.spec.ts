import { describe, expect, it } from '@jest/globals';
import {
  explainWeight,
  formatPercent,
  formatUsdPerCall,
  type ReasonContext,
  type ReasonFacts,
} from './weight-reason.js';

const NOW = 1_000 * 60_000;

function facts(patch: Partial<ReasonFacts>): ReasonFacts {
  return {
    deploymentId: 'd',
    status: 'eligible',
    winShare: 0,
    successMean: 0.99,
    fastMean: 0.9,
    effectiveCalls: 500,
    costMicroUsd: 400,
    changeAtMs: null,
    ...patch,
  };
}

const leader = facts({
  deploymentId: 'leader',
  winShare: 0.97,
  successMean: 0.998,
  fastMean: 0.91,
});
const ctx: ReasonContext = {
  nowMs: NOW,
  halfLifeMs: 15 * 60_000,
  latencySloMs: 5_000,
  baseValue: 0.75,
  costMultiplier: 0.1,
  costReferenceMicroUsd: 10_000,
  lambda: 0,
  leader,
};

describe('explainWeight', () => {
  it('names winners and contenders with their posterior means and cost', () => {
    expect(explainWeight(leader, ctx)).toBe('winner: success 99.8%, p(fast)=0.91, $0.0004/call');
    expect(explainWeight(facts({ winShare: 0.23 }), ctx)).toBe(
      'contender: wins 23% of draws; success 99.0%, p(fast)=0.90, $0.0004/call',
    );
  });

  it('says why a floor deployment loses: success, speed or cost', () => {
    expect(explainWeight(facts({ successMean: 0.12, effectiveCalls: 34 }), ctx)).toBe(
      'floor: success 12% (n≈34, half-life 15 min)',
    );
    expect(explainWeight(facts({ successMean: 0.998, fastMean: 0.04 }), ctx)).toBe(
      'floor: p(fast)=0.04 at SLO 5000 ms (n≈500, half-life 15 min)',
    );
    expect(
      explainWeight(facts({ successMean: 0.998, fastMean: 0.91, costMicroUsd: 11_000 }), {
        ...ctx,
        lambda: 2.5,
        costMultiplier: 2.6,
      }),
    ).toBe('floor: $0.011/call vs $0.0004/call for leader (budget pacing λ=2.50)');
  });

  it('mentions a detected change and the evidence since', () => {
    expect(
      explainWeight(
        facts({ successMean: 0.1, effectiveCalls: 12, changeAtMs: NOW - 4 * 60_000 }),
        ctx,
      ),
    ).toBe('floor: success 10% (n≈12 over the last 4 min, since a detected change)');
    expect(explainWeight(facts({ winShare: 0.8, changeAtMs: NOW - 120_000 }), ctx)).toMatch(
      /^winner: .*; change detected 2 min ago$/,
    );
  });

  it('covers ineligible and unexplored deployments', () => {
    expect(explainWeight(facts({ status: 'disabled' }), ctx)).toBe('disabled');
    expect(explainWeight(facts({ status: 'budget-blocked' }), ctx)).toBe('blocked by budget');
    expect(explainWeight(facts({ effectiveCalls: 0, costMicroUsd: 1_500 }), ctx)).toBe(
      'exploring: no calls yet; priced at ~$0.0015/call',
    );
  });
});

describe('formatting', () => {
  it('formats rates and money compactly', () => {
    expect(formatPercent(0.9987)).toBe('99.9%');
    expect(formatPercent(0.123)).toBe('12%');
    expect(formatUsdPerCall(0)).toBe('$0/call');
    expect(formatUsdPerCall(412)).toBe('$0.00041/call');
    expect(formatUsdPerCall(12_345)).toBe('$0.012/call');
  });
});
