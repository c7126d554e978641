import type { Budget, EndpointParsedBody } from '@stilts/admin-contract';
import { formatMicroUsd } from '@stilts/routing';
import type { z } from 'zod';
import type { BudgetStatus, budgetInputSchema } from '../../budgets/budgets-admin.service.js';

/** What `BudgetsAdminService.create`/`replace` take: the operator's input, amounts in USD. */
export type BudgetServiceInput = z.input<typeof budgetInputSchema>;

/**
 * The contract's budget body (integer micro-USD, like every amount of the admin API) as the
 * budgets service takes it (exact decimal USD strings). `formatMicroUsd` is integer math and
 * the service's `usdToMicroUsd` reads it back exactly, so no amount changes on the way.
 */
export function budgetServiceInput(body: EndpointParsedBody<'createBudget'>): BudgetServiceInput {
  const ceiling = body.degradeMaxPricePerMillionMicroUsd;
  return {
    name: body.name,
    scope: body.scope,
    scopeRef: body.scopeRef ?? null,
    period: body.period,
    amountUsd: formatMicroUsd(body.amountMicroUsd),
    action: body.action,
    degradeMaxPricePerMillionUsd:
      ceiling === undefined || ceiling === null ? null : formatMicroUsd(ceiling),
    enabled: body.enabled,
  };
}

/** A budget with its status in the current period, as the admin API answers it. */
export function budgetDto(status: BudgetStatus): Budget {
  const b = status.budget;
  return {
    id: b.id,
    name: b.name,
    scope: b.scope,
    scopeRef: b.scopeRef,
    period: b.period,
    amountMicroUsd: b.amountMicroUsd,
    action: b.action,
    degradeMaxPricePerMillionMicroUsd: b.degradeMaxPricePerMillion,
    enabled: b.enabled,
    status: {
      periodStart: new Date(status.periodStart).toISOString(),
      periodEnd: new Date(status.periodEnd).toISOString(),
      spentMicroUsd: status.spentMicroUsd,
      reservedMicroUsd: status.reservedMicroUsd,
      remainingMicroUsd: status.remainingMicroUsd,
      burnRateMicroUsdPerHour: Math.round(status.burnRateMicroUsdPerHour),
      projectedMicroUsd: status.projectedMicroUsd,
    },
  };
}
