import { describe, expect, it } from '@jest/globals';
import { budget } from '../../testing/fixtures';
import { budgetGauge, periodBounds } from './budget-projection';

const H = 3_600_000;

describe('periodBounds', () => {
  it('uses UTC days, ISO weeks from Monday and months', () => {
    const now = Date.UTC(2026, 10, 26, 15, 30); // a Thursday
    expect(periodBounds('day', now)).toEqual({
      start: Date.UTC(2026, 10, 26),
      end: Date.UTC(2026, 10, 27),
    });
    expect(periodBounds('week', now)).toEqual({
      start: Date.UTC(2026, 10, 23),
      end: Date.UTC(2026, 10, 30),
    });
    expect(periodBounds('month', now)).toEqual({
      start: Date.UTC(2026, 10, 1),
      end: Date.UTC(2026, 11, 1),
    });
    expect(periodBounds('week', Date.UTC(2026, 10, 29, 23)).start).toBe(Date.UTC(2026, 10, 23));
  });
});

describe('budgetGauge', () => {
  const start = Date.UTC(2026, 10, 24);
  const now = start + 6 * H;
  const status = (patch: Partial<ReturnType<typeof budget>['status']>) => ({
    periodStart: new Date(start).toISOString(),
    periodEnd: new Date(start + 24 * H).toISOString(),
    spentMicroUsd: 2_000_000,
    reservedMicroUsd: 0,
    remainingMicroUsd: 8_000_000,
    burnRateMicroUsdPerHour: 100_000,
    projectedMicroUsd: 3_800_000,
    ...patch,
  });

  it('gives the fractions of the amount', () => {
    const g = budgetGauge(
      budget({ amountMicroUsd: 10_000_000, status: status({ reservedMicroUsd: 500_000 }) }),
      now,
    );
    expect(g).toMatchObject({
      usedFraction: 0.2,
      reservedFraction: 0.05,
      projectedFraction: 0.38,
      status: 'ok',
    });
    expect(g.exhaustedAt).toBeNull();
  });

  it('says when what is left runs out at the burn rate', () => {
    const g = budgetGauge(
      budget({
        amountMicroUsd: 10_000_000,
        status: status({ burnRateMicroUsdPerHour: 1_000_000, projectedMicroUsd: 20_000_000 }),
      }),
      now,
    );
    expect(g.exhaustedAt).toBe(now + 8 * H);
    expect(g.status).toBe('at-risk');
  });

  it('is a warning above 80 % projected, exhausted when nothing is left, disabled when off', () => {
    expect(
      budgetGauge(
        budget({ amountMicroUsd: 10_000_000, status: status({ projectedMicroUsd: 8_500_000 }) }),
        now,
      ).status,
    ).toBe('warning');
    const spent = budget({ amountMicroUsd: 2_000_000, status: status({ remainingMicroUsd: 0 }) });
    expect(budgetGauge(spent, now)).toMatchObject({ status: 'exhausted', exhaustedAt: now });
    expect(budgetGauge(budget({ enabled: false, status: status({}) }), now).status).toBe(
      'disabled',
    );
  });
});
