import { describe, expect, it } from '@jest/globals';
import type { SimRequest } from '../traffic.js';
import { RoundRobinPolicy } from './round-robin-policy.js';

const CTX = { nowMs: 0, request: { index: 0 } as SimRequest, available: [true, true, true] };

describe('RoundRobinPolicy', () => {
  it('rotates the first pick and fails over in index order', () => {
    const p = new RoundRobinPolicy(3);
    expect(p.plan(CTX)).toEqual([0, 1, 2]);
    expect(p.plan(CTX)).toEqual([1, 2, 0]);
    expect(p.plan({ ...CTX, available: [true, true, false] })).toEqual([0, 1]);
    expect(p.weights()).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
});
