import { describe, expect, it } from '@jest/globals';
import { periodBounds } from './utc-period.js';

describe('periodBounds', () => {
  const wed = Date.UTC(2026, 10, 25, 15, 30); // Wednesday 25 Nov 2026

  it('bounds a UTC day', () => {
    expect(periodBounds('day', wed)).toEqual({
      start: Date.UTC(2026, 10, 25),
      end: Date.UTC(2026, 10, 26),
    });
  });

  it('bounds an ISO week from Monday, Sunday included', () => {
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

  it('bounds February in a leap year', () => {
    expect(periodBounds('month', Date.UTC(2028, 1, 29, 12)).end).toBe(Date.UTC(2028, 2, 1));
  });
});
