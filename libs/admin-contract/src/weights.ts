import { z } from 'zod';
import {
  checkRange,
  cursorSchema,
  instantSchema,
  isoSchema,
  limitSchema,
  reasonSchema,
  timeRangeShape,
} from './common.js';
import { routeStrategySchema } from './catalog.js';

/** One deployment's posterior, summarised (see `@stilts/routing`'s `PosteriorSummary`). */
export const posteriorSummarySchema = z.object({
  successMean: z.number(),
  fastMean: z.number(),
  effectiveCalls: z.number(),
  effectiveSuccesses: z.number(),
  rawCalls: z.number(),
  costPerSuccessMicroUsd: z.number(),
  priorCostMicroUsd: z.number(),
  meanLatencyMs: z.number().nullable(),
  meanUtility: z.number(),
});
export type PosteriorSummary = z.infer<typeof posteriorSummarySchema>;

/** One deployment of a route's weights, with why it has that weight. */
export const deploymentWeightSchema = z.object({
  deploymentId: z.string(),
  /** The job's status: eligible, disabled or budget-blocked. */
  status: z.string(),
  /** The snapshot's weight. */
  weight: z.number(),
  /** What the hot path draws by now: pins applied; 0 when disabled by an override. */
  effectiveWeight: z.number(),
  winShare: z.number(),
  floor: z.number(),
  posterior: posteriorSummarySchema.nullable(),
  changeAt: isoSchema.nullable(),
  /** One line, e.g. "winner: success 99.8%, p(fast)=0.91, $0.0004/call". */
  reason: z.string(),
  /** A pinned weight in force, or null. */
  pinnedWeight: z.number().nullable(),
  disabledByOverride: z.boolean(),
});
export type DeploymentWeightView = z.infer<typeof deploymentWeightSchema>;

export const pacingSchema = z.object({
  budgetId: z.string().nullable(),
  paceMicroUsdPerMinute: z.number(),
  targetMicroUsdPerMinute: z.number(),
  projectedMicroUsdPerMinute: z.number(),
  requestsPerMinute: z.number(),
  feasible: z.boolean(),
});

/** A route's current weights (`GET /weights`): the snapshot in use plus the overrides on top. */
export const routeWeightsSchema = z.object({
  route: z.string(),
  strategy: routeStrategySchema,
  /** Where the weights come from: the bandit's snapshot, or the configured ones. */
  source: z.enum(['snapshot', 'configured']),
  snapshot: z
    .object({
      version: z.number(),
      computedAt: isoSchema,
      computedBy: z.string(),
      lambda: z.number(),
      pacing: pacingSchema.nullable(),
    })
    .nullable(),
  frozen: z.boolean(),
  deployments: z.array(deploymentWeightSchema),
});
export type RouteWeightsView = z.infer<typeof routeWeightsSchema>;

export const weightsListSchema = z.object({ items: z.array(routeWeightsSchema) });
export type WeightsList = z.infer<typeof weightsListSchema>;

/** At most this many points come back from a history query (the server downsamples). */
export const MAX_HISTORY_POINTS = 500;

/** `GET /weights/:route/history`: at most 31 days; `points` bounds the answer (<= 500). */
export const weightHistoryQuerySchema = z
  .strictObject({
    ...timeRangeShape,
    points: z.coerce.number().int().min(2).max(MAX_HISTORY_POINTS).default(MAX_HISTORY_POINTS),
  })
  .superRefine((v, ctx) => checkRange(v, ctx, 31 * 86_400_000));
export type WeightHistoryQuery = z.input<typeof weightHistoryQuerySchema>;

export const weightHistoryPointSchema = z.object({
  at: isoSchema,
  version: z.number(),
  lambda: z.number(),
  weights: z.record(z.string(), z.number()),
});

export const weightHistorySchema = z.object({
  route: z.string(),
  from: isoSchema,
  to: isoSchema,
  /** Snapshots in the range. */
  total: z.number(),
  /** True when `points` holds fewer snapshots than `total` (evenly spaced, last one kept). */
  downsampled: z.boolean(),
  points: z.array(weightHistoryPointSchema),
});
export type WeightHistory = z.infer<typeof weightHistorySchema>;

export const overrideKindSchema = z.enum([
  'pin_weight',
  'disable_deployment',
  'force_breaker_open',
  'force_breaker_closed',
  'freeze_route',
]);
export type OverrideKind = z.infer<typeof overrideKindSchema>;

export const overrideSchema = z.object({
  id: z.string(),
  kind: overrideKindSchema,
  route: z.string().nullable(),
  deploymentId: z.string().nullable(),
  weight: z.number().nullable(),
  actor: z.string(),
  reason: z.string(),
  createdAt: isoSchema,
  expiresAt: isoSchema.nullable(),
  revokedAt: isoSchema.nullable(),
  revokedBy: z.string().nullable(),
  active: z.boolean(),
});
export type Override = z.infer<typeof overrideSchema>;

/**
 * `POST /overrides`. Which fields each kind needs: `pin_weight` route + deploymentId + weight
 * (0..1); `disable_deployment` deploymentId (+ route, or every route); `force_breaker_open` /
 * `force_breaker_closed` deploymentId; `freeze_route` route.
 */
export const createOverrideBodySchema = z
  .strictObject({
    kind: overrideKindSchema,
    route: z.string().min(1).nullish(),
    deploymentId: z.string().min(1).nullish(),
    weight: z.number().min(0).max(1).nullish(),
    reason: reasonSchema,
    expiresAt: instantSchema.nullish(),
  })
  .superRefine((o, ctx) => {
    const need = (field: 'route' | 'deploymentId' | 'weight', present: boolean): void => {
      const has = o[field] !== undefined && o[field] !== null;
      if (has !== present) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: present ? `required for ${o.kind}` : `not allowed for ${o.kind}`,
        });
      }
    };
    switch (o.kind) {
      case 'pin_weight':
        need('route', true);
        need('deploymentId', true);
        need('weight', true);
        break;
      case 'disable_deployment':
        need('deploymentId', true);
        need('weight', false);
        break;
      case 'force_breaker_open':
      case 'force_breaker_closed':
        need('route', false);
        need('deploymentId', true);
        need('weight', false);
        break;
      case 'freeze_route':
        need('route', true);
        need('deploymentId', false);
        need('weight', false);
        break;
    }
  });
export type CreateOverrideBody = z.input<typeof createOverrideBodySchema>;

/** `POST /overrides/:id/revoke`. */
export const revokeOverrideBodySchema = z.strictObject({ reason: reasonSchema });
export type RevokeOverrideBody = z.input<typeof revokeOverrideBodySchema>;

/**
 * `POST /overrides/release`: revokes every active override of a kind on a target — "enable a
 * deployment" is releasing `disable_deployment`, "unfreeze" is releasing `freeze_route`.
 * `route` null/absent matches overrides without a route only.
 */
export const releaseOverridesBodySchema = z.strictObject({
  kind: overrideKindSchema,
  route: z.string().min(1).nullish(),
  deploymentId: z.string().min(1).nullish(),
  reason: reasonSchema,
});
export type ReleaseOverridesBody = z.input<typeof releaseOverridesBodySchema>;

export const overrideListSchema = z.object({
  items: z.array(overrideSchema),
  nextCursor: z.string().nullable(),
});

/** `GET /overrides`: active ones (default), or all of them newest first. */
export const listOverridesQuerySchema = z.strictObject({
  status: z.enum(['active', 'all']).default('active'),
  route: z.string().min(1).optional(),
  deploymentId: z.string().min(1).optional(),
  cursor: cursorSchema.optional(),
  limit: limitSchema,
});
export type ListOverridesQuery = z.input<typeof listOverridesQuerySchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  at: isoSchema,
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** `GET /audit`: newest first; `action` matches exactly or by prefix with a trailing `*`. */
export const listAuditQuerySchema = z
  .strictObject({
    actor: z.string().min(1).max(200).optional(),
    action: z.string().min(1).max(200).optional(),
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    cursor: cursorSchema.optional(),
    limit: limitSchema,
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to) checkRange({ from: v.from, to: v.to }, ctx);
  });
export type ListAuditQuery = z.input<typeof listAuditQuerySchema>;
