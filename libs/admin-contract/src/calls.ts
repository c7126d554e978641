import { z } from 'zod';
import { checkRange, cursorSchema, isoSchema, limitSchema, timeRangeShape } from './common.js';

/** How one upstream attempt ended (the ledger's outcomes). */
export const attemptOutcomeSchema = z.enum([
  'success',
  'caller_error',
  'rate_limited',
  'server_error',
  'timeout',
  'connection_error',
  'malformed',
  'misconfigured',
  'interrupted',
  'aborted',
]);
export type AttemptOutcome = z.infer<typeof attemptOutcomeSchema>;

/** One row of the call ledger: one upstream attempt. */
export const callAttemptSchema = z.object({
  requestId: z.string(),
  attempt: z.int(),
  startedAt: isoSchema,
  route: z.string(),
  deploymentId: z.string(),
  providerId: z.string(),
  apiKeyId: z.string().nullable(),
  outcome: attemptOutcomeSchema,
  httpStatus: z.int().nullable(),
  errorType: z.string().nullable(),
  latencyMs: z.int(),
  ttftMs: z.int().nullable(),
  inputTokens: z.int(),
  outputTokens: z.int(),
  costMicroUsd: z.number(),
  /** Probability with which the planner picked this deployment at this point of the order. */
  propensity: z.number(),
  snapshotVersion: z.number().nullable(),
  streamed: z.boolean(),
});
export type CallAttempt = z.infer<typeof callAttemptSchema>;

/** The longest range a calls search may span. */
export const MAX_CALL_SEARCH_DAYS = 31;

/** `outcome=a,b`: one or more outcomes, comma-separated. */
const outcomesSchema = z
  .string()
  .transform((s) => s.split(',').filter((x) => x !== ''))
  .pipe(z.array(attemptOutcomeSchema).min(1).max(10));

/**
 * `GET /calls`: attempts newest first, keyset-paginated on (startedAt, requestId, attempt).
 * `from`/`to` are required and at most 31 days apart.
 */
export const searchCallsQuerySchema = z
  .strictObject({
    ...timeRangeShape,
    route: z.string().min(1).optional(),
    deploymentId: z.string().min(1).optional(),
    apiKeyId: z.string().min(1).optional(),
    outcome: outcomesSchema.optional(),
    /** Only the first attempt of each request (one row per request). */
    firstAttemptOnly: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    cursor: cursorSchema.optional(),
    limit: limitSchema,
  })
  .superRefine((v, ctx) => checkRange(v, ctx, MAX_CALL_SEARCH_DAYS * 86_400_000));
export type SearchCallsQuery = z.input<typeof searchCallsQuerySchema>;

export const callPageSchema = z.object({
  items: z.array(callAttemptSchema),
  nextCursor: z.string().nullable(),
});

/**
 * The plan the gateway drew for a request (recorded with its first attempt): the candidates in
 * the order they were drawn, each with the weight it was drawn by and the probability of its
 * pick at that point (the first one's is the propensity), and the route members left out, each
 * with why (`disabled`, `disabled-by-override`, `circuit-open`, `paused`, budget reasons ...).
 */
export const callPlanSchema = z.object({
  candidates: z.array(
    z.object({ deploymentId: z.string(), weight: z.number(), probability: z.number() }),
  ),
  excluded: z.array(z.object({ deploymentId: z.string(), reason: z.string() })),
});
export type CallPlan = z.infer<typeof callPlanSchema>;

/** What happened to one route member in one request, and why. */
export const deploymentDecisionSchema = z.object({
  deploymentId: z.string(),
  /**
   * `answered`: it produced the answer; `failed`: tried, failed (see its attempts);
   * `not-reached`: eligible but the request ended first; `excluded`: left out of the plan.
   */
  decision: z.enum(['answered', 'failed', 'not-reached', 'excluded']),
  /** Why it was excluded, or the last attempt's outcome when it failed. */
  reason: z.string().nullable(),
  /** Position in the drawn order (1-based), null when excluded. */
  position: z.int().nullable(),
  /** The weight it was drawn by (snapshot or configured, pins applied). */
  weight: z.number().nullable(),
  /**
   * Probability of its pick at its position, given the picks before it (the first candidate's
   * is the request's propensity).
   */
  probability: z.number().nullable(),
  /** Its attempt numbers in this request. */
  attempts: z.array(z.int()),
});
export type DeploymentDecision = z.infer<typeof deploymentDecisionSchema>;

/** `GET /calls/:requestId`: every attempt of one request and why each deployment was chosen. */
export const callDetailSchema = z.object({
  requestId: z.string(),
  route: z.string(),
  apiKeyId: z.string().nullable(),
  startedAt: isoSchema,
  /** The outcome of the last attempt. */
  outcome: attemptOutcomeSchema,
  totalLatencyMs: z.int(),
  totalCostMicroUsd: z.number(),
  snapshotVersion: z.number().nullable(),
  attempts: z.array(callAttemptSchema),
  /** Null for records written before plans were recorded. */
  plan: callPlanSchema.nullable(),
  decisions: z.array(deploymentDecisionSchema),
});
export type CallDetail = z.infer<typeof callDetailSchema>;

/** `GET /calls/:requestId` query: a time hint narrows the lookup to a few partitions. */
export const callDetailQuerySchema = z.strictObject({
  around: z.iso.datetime({ offset: true }).optional(),
});
export type CallDetailQuery = z.input<typeof callDetailQuerySchema>;
