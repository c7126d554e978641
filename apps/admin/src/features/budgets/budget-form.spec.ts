import { describe, expect, it } from '@jest/globals';
import { budget } from '../../testing/fixtures';
import { EMPTY_BUDGET_FORM, budgetBodyFromForm, budgetToForm, formFieldOf } from './budget-form';

describe('budgetBodyFromForm', () => {
  it('turns dollars into integer micro-USD', () => {
    expect(
      budgetBodyFromForm({ ...EMPTY_BUDGET_FORM, name: 'All traffic', amountUsd: '25.50' }),
    ).toEqual({
      body: {
        name: 'All traffic',
        scope: 'global',
        scopeRef: null,
        period: 'day',
        amountMicroUsd: 25_500_000,
        action: 'block',
        degradeMaxPricePerMillionMicroUsd: null,
        enabled: true,
      },
    });
  });

  it('needs a scope reference except for global, and a ceiling to degrade', () => {
    expect(
      budgetBodyFromForm({ ...EMPTY_BUDGET_FORM, name: 'Team', scope: 'team', amountUsd: '5' }),
    ).toEqual({
      errors: { scopeRef: 'required for scope team' },
    });
    expect(
      budgetBodyFromForm({
        ...EMPTY_BUDGET_FORM,
        name: 'Cheap',
        amountUsd: '5',
        action: 'degrade',
        ceilingUsd: '',
      }),
    ).toHaveProperty('errors.ceilingUsd');
    const degrade = budgetBodyFromForm({
      ...EMPTY_BUDGET_FORM,
      name: 'Cheap',
      amountUsd: '5',
      action: 'degrade',
      ceilingUsd: '0.6',
    });
    expect(degrade).toHaveProperty('body.degradeMaxPricePerMillionMicroUsd', 600_000);
  });

  it('refuses an empty name and a non-amount', () => {
    const result = budgetBodyFromForm({ ...EMPTY_BUDGET_FORM, amountUsd: 'lots' });
    expect(result).toHaveProperty('errors.amountUsd');
    expect(result).toHaveProperty('errors.name');
  });

  it('round-trips an existing budget', () => {
    const b = budget({
      scope: 'route',
      scopeRef: 'chat-default',
      action: 'degrade',
      degradeMaxPricePerMillionMicroUsd: 250_000,
    });
    expect(budgetBodyFromForm(budgetToForm(b))).toEqual({
      body: {
        name: b.name,
        scope: 'route',
        scopeRef: 'chat-default',
        period: 'day',
        amountMicroUsd: b.amountMicroUsd,
        action: 'degrade',
        degradeMaxPricePerMillionMicroUsd: 250_000,
        enabled: true,
      },
    });
  });

  it('maps API field paths to form fields', () => {
    expect(formFieldOf('amountMicroUsd')).toBe('amountUsd');
    expect(formFieldOf('whatever')).toBe('form');
  });
});
