import { describe, expect, it } from '@jest/globals';
import { periodBounds, spendCapPace } from './weight-snapshots.repository.js';

describe('periodBounds', () => {
  const wed = Date.UTC(2026, 10, 25, 15, 30); // Wednesday 25 Nov 2026

  it('bounds a UTC day', () => {
    expect(periodBounds('day', wed)).toEqual({
      start: Date.UTC(2026, 10, 25),
      end: Date.UTC(2026, 10, 26),
    });
  });

  it('bounds an ISO week from Monday', () => {
    expect(periodBounds('week', wed)).toEqual({
      start: Date.UTC(2026, 10, 23),
      end: Date.UTC(2026, 10, 30),
    });
    const sunday = Date.UTC(2026, 10, 29, 23, 59);
    expect(periodBounds('week', sunday).start).toBe(Date.UTC(2026, 10, 23));
    expect(periodBounds('week', Date.UTC(2026, 10, 30)).start).toBe(Date.UTC(2026, 10, 30));
  });

  it('bounds a month, across the year end', () => {
    expect(periodBounds('month', Date.UTC(2026, 11, 31, 23))).toEqual({
      start: Date.UTC(2026, 11, 1),
      end: Date.UTC(2027, 0, 1),
    });
  });
});

describe('spendCapPace', () => {
  it('paces the rest of the cap over the rest of the period', () => {
    const now = Date.UTC(2026, 10, 25, 18);
    expect(spendCapPace({ amountMicroUsd: 10_000_000, period: 'day' }, 4_000_000, now)).toEqual({
      budgetId: 'route-cap:day',
      remainingMicroUsd: 6_000_000,
      remainingPeriodMs: 6 * 3_600_000,
    });
  });

  it('reports an overspent cap as negative remaining', () => {
    const pace = spendCapPace({ amountMicroUsd: 1, period: 'month' }, 5, Date.UTC(2026, 10, 25));
    expect(pace.remainingMicroUsd).toBe(-4);
  });
});
