import {
  budgetBodySchema,
  type Budget,
  type BudgetBody,
  type BudgetScope,
} from '@stilts/admin-contract';
import { microToUsdInput, parseUsdToMicro } from './money-input';

/** The budget form's fields, as typed (dollars as text). */
export interface BudgetForm {
  readonly name: string;
  readonly scope: BudgetScope;
  readonly scopeRef: string;
  readonly period: Budget['period'];
  readonly amountUsd: string;
  readonly action: Budget['action'];
  /** Degrade: the price ceiling per million tokens, in dollars. */
  readonly ceilingUsd: string;
  readonly enabled: boolean;
}

export type BudgetFormErrors = Partial<Record<keyof BudgetForm | 'form', string>>;

export const EMPTY_BUDGET_FORM: BudgetForm = {
  name: '',
  scope: 'global',
  scopeRef: '',
  period: 'day',
  amountUsd: '',
  action: 'block',
  ceilingUsd: '',
  enabled: true,
};

/** The form of an existing budget. */
export function budgetToForm(budget: Budget): BudgetForm {
  return {
    name: budget.name,
    scope: budget.scope,
    scopeRef: budget.scopeRef ?? '',
    period: budget.period,
    amountUsd: microToUsdInput(budget.amountMicroUsd),
    action: budget.action,
    ceilingUsd:
      budget.degradeMaxPricePerMillionMicroUsd === null
        ? ''
        : microToUsdInput(budget.degradeMaxPricePerMillionMicroUsd),
    enabled: budget.enabled,
  };
}

const FIELD_OF: Readonly<Record<string, keyof BudgetForm>> = {
  name: 'name',
  scope: 'scope',
  scopeRef: 'scopeRef',
  period: 'period',
  amountMicroUsd: 'amountUsd',
  action: 'action',
  degradeMaxPricePerMillionMicroUsd: 'ceilingUsd',
  enabled: 'enabled',
};

/** Maps an API field path (`amountMicroUsd`) to the form field that holds it (`amountUsd`). */
export function formFieldOf(path: string): keyof BudgetForm | 'form' {
  return FIELD_OF[path.split('.')[0] ?? ''] ?? 'form';
}

/**
 * The `POST /budgets` / `PUT /budgets/:id` body of the form, or its errors. Dollars become
 * integer micro-USD exactly; the contract's schema checks the rest (scope reference, the
 * degrade ceiling), so the form says what the server would.
 */
export function budgetBodyFromForm(
  form: BudgetForm,
): { body: BudgetBody } | { errors: BudgetFormErrors } {
  const errors: BudgetFormErrors = {};
  const amount = parseUsdToMicro(form.amountUsd);
  if (amount === null || amount <= 0)
    errors.amountUsd = 'Enter an amount in dollars, e.g. 25 or 12.50.';
  let ceiling: number | null = null;
  if (form.action === 'degrade') {
    ceiling = parseUsdToMicro(form.ceilingUsd);
    if (ceiling === null)
      errors.ceilingUsd = 'Enter the highest price per million tokens to keep, e.g. 0.5.';
  }
  const body: BudgetBody = {
    name: form.name,
    scope: form.scope,
    scopeRef: form.scope === 'global' ? null : form.scopeRef || null,
    period: form.period,
    amountMicroUsd: amount ?? 0,
    action: form.action,
    degradeMaxPricePerMillionMicroUsd: form.action === 'degrade' ? ceiling : null,
    enabled: form.enabled,
  };
  const checked = budgetBodySchema.safeParse(body);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const field = formFieldOf(issue.path.join('.'));
      errors[field] ??= issue.message;
    }
  }
  return Object.keys(errors).length > 0 ? { errors } : { body };
}
