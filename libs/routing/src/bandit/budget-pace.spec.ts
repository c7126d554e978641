import { describe, expect, it } from '@jest/globals';
import { rollupRow } from '../../test/rollup.factory.js';
import { paceMicroUsdPerMinute, tightestBudgetPace } from './budget-pace.js';
import { requestsPerMinuteFromRollups } from './request-rate.js';

describe('paceMicroUsdPerMinute', () => {
  it('spreads what is left over what remains of the period', () => {
    expect(paceMicroUsdPerMinute({ remainingMicroUsd: 600_000, remainingPeriodMs: 600_000 })).toBe(
      60_000,
    );
    expect(paceMicroUsdPerMinute({ remainingMicroUsd: -5, remainingPeriodMs: 60_000 })).toBe(0);
  });

  it('rejects a period that has ended or a non-finite amount', () => {
    expect(() => paceMicroUsdPerMinute({ remainingMicroUsd: 1, remainingPeriodMs: 0 })).toThrow(
      RangeError,
    );
    expect(() =>
      paceMicroUsdPerMinute({ remainingMicroUsd: Number.NaN, remainingPeriodMs: 1 }),
    ).toThrow(RangeError);
  });
});

describe('tightestBudgetPace', () => {
  it('picks the budget with the lowest pace, not the lowest amount', () => {
    const day = { budgetId: 'day', remainingMicroUsd: 1_000_000, remainingPeriodMs: 3_600_000 };
    const month = {
      budgetId: 'month',
      remainingMicroUsd: 5_000_000,
      remainingPeriodMs: 86_400_000,
    };
    expect(tightestBudgetPace([day, month])).toBe(month);
    expect(tightestBudgetPace([])).toBeNull();
  });
});

describe('requestsPerMinuteFromRollups', () => {
  it('averages attempts over the last complete minutes, the open minute excluded', () => {
    const now = 10 * 60_000 + 30_000;
    const rows = [
      rollupRow({ minute: 10 * 60_000, successes: 999 }),
      rollupRow({ minute: 9 * 60_000, successes: 30 }),
      rollupRow({ deploymentId: 'b', minute: 9 * 60_000, failures: 10 }),
      rollupRow({ minute: 8 * 60_000, successes: 20 }),
      rollupRow({ minute: 4 * 60_000, successes: 500 }),
    ];
    expect(requestsPerMinuteFromRollups(rows, now, 2)).toBe(30);
    expect(requestsPerMinuteFromRollups(rows, now)).toBe(12);
    expect(() => requestsPerMinuteFromRollups(rows, now, 0)).toThrow(RangeError);
  });
});
