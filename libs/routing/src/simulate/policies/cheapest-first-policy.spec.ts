import { describe, expect, it } from '@jest/globals';
import type { SimRequest } from '../traffic.js';
import { CheapestFirstPolicy } from './cheapest-first-policy.js';

describe('CheapestFirstPolicy', () => {
  it('orders by list price of a typical call at the current prices', () => {
    const prices = (now: number) => [
      { inputPerMillion: 1_000, outputPerMillion: 1_000 },
      { inputPerMillion: now > 0 ? 1 : 5_000, outputPerMillion: 1 },
      { inputPerMillion: 100, outputPerMillion: 100 },
    ];
    const p = new CheapestFirstPolicy(prices);
    const request = { index: 0 } as SimRequest;
    expect(p.plan({ nowMs: 0, request, available: [true, true, true] })).toEqual([2, 0, 1]);
    expect(p.plan({ nowMs: 1, request, available: [true, true, true] })).toEqual([1, 2, 0]);
    expect(p.plan({ nowMs: 1, request, available: [true, false, true] })).toEqual([2, 0]);
  });
});
