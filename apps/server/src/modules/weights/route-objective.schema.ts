import type { RouteObjective } from '@stilts/routing';
import { z } from 'zod';

/**
 * A route's bandit settings as stored (`routes.objective`), written in a config file or sent
 * to the admin API: every field optional (absent = the default of `DEFAULT_ROUTE_OBJECTIVE`),
 * each checked against the range the bandit accepts.
 */
export const routeObjectiveSchema = z.strictObject({
  latencySloMs: z.number().positive().finite().optional(),
  speedWeight: z.number().min(0).max(1).optional(),
  costWeight: z.number().min(0).finite().optional(),
  costReferenceMicroUsd: z.number().positive().finite().nullable().optional(),
  explorationFloor: z.number().min(0).max(1).optional(),
  halfLifeMs: z.number().positive().finite().optional(),
  draws: z.int().min(1).max(100_000).optional(),
  detectChanges: z.boolean().optional(),
  changeFalseAlarm: z.number().gt(0).lt(1).optional(),
  paceHeadroom: z.number().min(0).lt(1).optional(),
  priorCalls: z.number().positive().finite().optional(),
  priorInputTokens: z.int().min(0).optional(),
  priorOutputTokens: z.int().min(0).optional(),
}) satisfies z.ZodType<Partial<RouteObjective>>;

export type RouteObjectiveSettings = z.infer<typeof routeObjectiveSchema>;

/** The budget periods: UTC calendar day, ISO week (Monday 00:00 UTC) and month. */
export const budgetPeriodSchema = z.enum(['day', 'week', 'month']);
export type BudgetPeriod = z.infer<typeof budgetPeriodSchema>;
