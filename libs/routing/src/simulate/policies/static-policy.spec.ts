import { describe, expect, it } from '@jest/globals';
import { SeededRng } from '../../rng.js';
import type { SimRequest } from '../traffic.js';
import { StaticPolicy } from './static-policy.js';

const REQUEST = { index: 0, atMs: 0 } as SimRequest;

describe('StaticPolicy', () => {
  it('draws first picks in proportion to the configured weights', () => {
    const p = new StaticPolicy([3, 1, 0], new SeededRng('s'));
    const first = [0, 0, 0];
    for (let i = 0; i < 4_000; i++)
      first[p.plan({ nowMs: 0, request: REQUEST, available: [true, true, true] })[0]!]!++;
    expect(first[0]! / 4_000).toBeCloseTo(0.75, 1);
    expect(first[2]).toBe(0);
    expect(p.weights()).toEqual([0.75, 0.25, 0]);
  });

  it('leaves out deployments whose breaker is open', () => {
    const p = new StaticPolicy([1, 1, 1], new SeededRng('s'));
    const order = p.plan({ nowMs: 0, request: REQUEST, available: [false, true, true] });
    expect(order).not.toContain(0);
    expect(order).toHaveLength(2);
  });
});
