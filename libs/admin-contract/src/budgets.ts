import { z } from 'zod';
import { isoSchema, microUsdSchema } from './common.js';

/**
 * What a budget covers: all traffic (`global`), a team's keys, one key, a route, or a
 * deployment.
 */
export const budgetScopeSchema = z.enum(['global', 'team', 'key', 'route', 'deployment']);
export type BudgetScope = z.infer<typeof budgetScopeSchema>;

/** The UTC calendar period a budget resets on: day, ISO week (from Monday) or month. */
export const budgetPeriodSchema = z.enum(['day', 'week', 'month']);
export type BudgetPeriod = z.infer<typeof budgetPeriodSchema>;

/**
 * What happens once a budget is spent: `block` (HTTP 429 `budget_exceeded` on `/v1`) or
 * `degrade` (only deployments whose input and output prices are both at or under
 * `degradeMaxPricePerMillionMicroUsd` stay available, e.g. a local model).
 */
export const budgetActionSchema = z.enum(['block', 'degrade']);
export type BudgetAction = z.infer<typeof budgetActionSchema>;

/**
 * Where a budget stands in its current period (integer micro-USD). Admission reserves each
 * request's worst-case cost from slices replicas lease; settlement replaces it with the
 * actual cost.
 */
export const budgetStatusSchema = z.object({
  /** Start (inclusive) and end (exclusive) of the current period, UTC. */
  periodStart: isoSchema,
  periodEnd: isoSchema,
  /** Spend recorded in the ledger this period. */
  spentMicroUsd: z.int(),
  /** Leased to replicas: in-flight reservations and slices not yet used. */
  reservedMicroUsd: z.int(),
  /** `amountMicroUsd − spent − reserved`, floored at 0. */
  remainingMicroUsd: z.int(),
  /** Spend in the budget's scope over the last hour, per hour (from the minute rollups). */
  burnRateMicroUsdPerHour: z.int(),
  /** `spent + burn rate × time left`: where the period ends if the last hour's rate holds. */
  projectedMicroUsd: z.int(),
});
export type BudgetStatus = z.infer<typeof budgetStatusSchema>;

/** A budget with its status in the current period. */
export const budgetSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: budgetScopeSchema,
  /** Team id, key id, route name or deployment id; null for `global`. */
  scopeRef: z.string().nullable(),
  period: budgetPeriodSchema,
  amountMicroUsd: z.int(),
  action: budgetActionSchema,
  /** For `degrade`: the price ceiling per million tokens (input and output); else null. */
  degradeMaxPricePerMillionMicroUsd: z.int().nullable(),
  /** A disabled budget admits everything and is not counted against. */
  enabled: z.boolean(),
  status: budgetStatusSchema,
});
export type Budget = z.infer<typeof budgetSchema>;

/**
 * `POST /budgets` and `PUT /budgets/:id` (a replacement: omitted fields take their defaults).
 * Amounts are integer micro-USD, like every amount of this API (USD 25 = `25000000`).
 * `scopeRef` is required for every scope but `global` (where it is not allowed) and must name
 * an existing team, key, route or deployment; `degradeMaxPricePerMillionMicroUsd` is required
 * for `degrade` and not allowed for `block`.
 */
export const budgetBodySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    scope: budgetScopeSchema,
    scopeRef: z.string().min(1).max(256).nullish(),
    period: budgetPeriodSchema,
    amountMicroUsd: microUsdSchema,
    action: budgetActionSchema.default('block'),
    degradeMaxPricePerMillionMicroUsd: microUsdSchema.nullish(),
    enabled: z.boolean().default(true),
  })
  .superRefine((b, ctx) => {
    const hasRef = b.scopeRef !== undefined && b.scopeRef !== null;
    if ((b.scope === 'global') === hasRef) {
      ctx.addIssue({
        code: 'custom',
        path: ['scopeRef'],
        message:
          b.scope === 'global'
            ? 'not allowed for a global budget'
            : `required for scope ${b.scope}`,
      });
    }
    const hasCeiling =
      b.degradeMaxPricePerMillionMicroUsd !== undefined &&
      b.degradeMaxPricePerMillionMicroUsd !== null;
    if ((b.action === 'degrade') !== hasCeiling) {
      ctx.addIssue({
        code: 'custom',
        path: ['degradeMaxPricePerMillionMicroUsd'],
        message: b.action === 'degrade' ? 'required for action degrade' : 'only for action degrade',
      });
    }
  });
export type BudgetBody = z.input<typeof budgetBodySchema>;

/** `POST /budgets`. */
export const createBudgetBodySchema = budgetBodySchema;
export type CreateBudgetBody = BudgetBody;

/** `PUT /budgets/:id`: replaces every field. */
export const replaceBudgetBodySchema = budgetBodySchema;
export type ReplaceBudgetBody = BudgetBody;
