import { describe, expect, it } from '@jest/globals';
import { budgetBodySchema, budgetSchema } from '@stilts/admin-contract';
import { budgetInputSchema, type BudgetStatus } from '../../budgets/budgets-admin.service.js';
import { budgetDto, budgetServiceInput } from './budgets-admin.dto.js';

describe('budgetServiceInput', () => {
  it.each([0, 1, 999_999, 1_000_000, 1_000_001, 25_000_000, 123_456_789, Number.MAX_SAFE_INTEGER])(
    'hands %d micro-USD to the service exactly',
    (micro) => {
      const body = budgetBodySchema.parse({
        name: 'b',
        scope: 'global',
        period: 'day',
        amountMicroUsd: micro,
      });
      const parsed = budgetInputSchema.parse(budgetServiceInput(body));
      expect(parsed.amountUsd).toBe(micro);
      expect(parsed).toMatchObject({ scopeRef: null, action: 'block', enabled: true });
      expect(parsed.degradeMaxPricePerMillionUsd).toBeNull();
    },
  );

  it('carries the scope and the degrade ceiling', () => {
    const body = budgetBodySchema.parse({
      name: 'team allowance',
      scope: 'team',
      scopeRef: '0b6c7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e',
      period: 'month',
      amountMicroUsd: 5_000_000,
      action: 'degrade',
      degradeMaxPricePerMillionMicroUsd: 250_000,
      enabled: false,
    });
    expect(budgetInputSchema.parse(budgetServiceInput(body))).toEqual({
      name: 'team allowance',
      scope: 'team',
      scopeRef: '0b6c7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e',
      period: 'month',
      amountUsd: 5_000_000,
      action: 'degrade',
      degradeMaxPricePerMillionUsd: 250_000,
      enabled: false,
    });
  });
});

describe('budgetBodySchema', () => {
  it.each([
    [{ scope: 'global', scopeRef: 'x' }, ['scopeRef']],
    [{ scope: 'route' }, ['scopeRef']],
    [{ scope: 'global', action: 'degrade' }, ['degradeMaxPricePerMillionMicroUsd']],
    [
      { scope: 'global', degradeMaxPricePerMillionMicroUsd: 0 },
      ['degradeMaxPricePerMillionMicroUsd'],
    ],
    [{ scope: 'global', amountMicroUsd: 1.5 }, ['amountMicroUsd']],
    [{ scope: 'global', amountMicroUsd: '25.00' }, ['amountMicroUsd']],
    [{ scope: 'global', amountMicroUsd: -1 }, ['amountMicroUsd']],
  ])('refuses %j on %j', (fields, paths) => {
    const result = budgetBodySchema.safeParse({
      name: 'b',
      period: 'day',
      amountMicroUsd: 1,
      ...fields,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(paths);
  });
});

it('budgetDto answers the contract shape', () => {
  const status: BudgetStatus = {
    budget: {
      id: 'b1',
      name: 'daily',
      scope: 'key',
      scopeRef: 'k1',
      period: 'day',
      amountMicroUsd: 800,
      action: 'block',
      degradeMaxPricePerMillion: null,
      enabled: true,
    },
    periodStart: Date.UTC(2026, 10, 24),
    periodEnd: Date.UTC(2026, 10, 25),
    spentMicroUsd: 300,
    reservedMicroUsd: 200,
    remainingMicroUsd: 300,
    burnRateMicroUsdPerHour: 120,
    projectedMicroUsd: 1_500,
  };
  const dto = budgetDto(status);
  expect(budgetSchema.strict().parse(dto)).toEqual(dto);
  expect(dto).toMatchObject({
    id: 'b1',
    amountMicroUsd: 800,
    degradeMaxPricePerMillionMicroUsd: null,
    status: {
      periodStart: '2026-11-24T00:00:00.000Z',
      periodEnd: '2026-11-25T00:00:00.000Z',
      spentMicroUsd: 300,
      reservedMicroUsd: 200,
      remainingMicroUsd: 300,
      burnRateMicroUsdPerHour: 120,
      projectedMicroUsd: 1_500,
    },
  });
});
