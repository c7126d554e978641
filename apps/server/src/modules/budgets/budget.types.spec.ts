import { describe, expect, it } from '@jest/globals';
import { sumCharges, type BudgetCharge } from './budget.types.js';

const charge = (
  budgetId: string,
  leaseId: string | null,
  amountMicroUsd: number,
  periodStart = 1_000,
): BudgetCharge => ({ budgetId, periodStart, leaseId, amountMicroUsd });

describe('sumCharges', () => {
  it('sums per budget, period and lease, keeping unleased spend apart', () => {
    const summed = sumCharges([
      [charge('team', 'lease-1', 100), charge('route', 'lease-2', 100)],
      undefined,
      [charge('team', 'lease-1', 250), charge('team', null, 40)],
      [charge('team', null, 2), charge('team', 'lease-3', 7, 2_000)],
    ]);
    expect(summed).toEqual([
      charge('team', 'lease-1', 350),
      charge('route', 'lease-2', 100),
      charge('team', null, 42),
      charge('team', 'lease-3', 7, 2_000),
    ]);
  });

  it('leaves its input untouched and keeps zero-cost charges', () => {
    const input = [charge('team', 'lease-1', 0), charge('team', 'lease-1', 5)];
    expect(sumCharges([input])).toEqual([charge('team', 'lease-1', 5)]);
    expect(input[0]?.amountMicroUsd).toBe(0);
    expect(sumCharges([])).toEqual([]);
  });
});
