import { z } from 'zod';
import { catalogIdSchema, isoSchema, microUsdSchema, routeNameSchema } from './common.js';

/** Who last wrote a catalog row: the start-up seed (config/env/simulator) or the admin API. */
export const managedBySchema = z.enum(['seed', 'admin']);

export const providerKindSchema = z.enum(['openai', 'anthropic', 'gemini']);
export type ProviderKind = z.infer<typeof providerKindSchema>;

/** Header names that carry credentials: those go in `apiKey`, never in `headers`. */
const CREDENTIAL_HEADERS =
  /^(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key)$/i;

const headersSchema = z
  .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name'), z.string().max(1_000))
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (CREDENTIAL_HEADERS.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'credentials go in apiKey (write-only), not in headers',
        });
      }
    }
  });

const envNameSchema = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name');

/** A provider credential, write-only: set it, replace it, or clear it with `null`. */
const apiKeyInputSchema = z.string().min(1).max(4_096);

/**
 * Where a provider's key comes from, without the key: `stored` (set through this API, kept
 * encrypted), `env` (the variable named by `apiKeyEnv`), or null (none). `set` says whether a
 * key resolves now (a named variable may be unset on this replica).
 */
export const apiKeyStatusSchema = z.object({
  set: z.boolean(),
  source: z.enum(['env', 'stored']).nullable(),
});
export type ApiKeyStatus = z.infer<typeof apiKeyStatusSchema>;

export const providerSchema = z.object({
  id: z.string(),
  kind: providerKindSchema,
  baseUrl: z.string(),
  headers: z.record(z.string(), z.string()),
  enabled: z.boolean(),
  apiKeyEnv: z.string().nullable(),
  apiKey: apiKeyStatusSchema,
  managedBy: managedBySchema,
  createdAt: isoSchema,
  updatedAt: isoSchema,
});
export type Provider = z.infer<typeof providerSchema>;

/** `POST /providers`. `apiKey` is stored encrypted and never returned. */
export const createProviderBodySchema = z.strictObject({
  id: catalogIdSchema,
  kind: providerKindSchema,
  baseUrl: z.url({ protocol: /^https?$/ }),
  headers: headersSchema.default({}),
  enabled: z.boolean().default(true),
  apiKey: apiKeyInputSchema.optional(),
  apiKeyEnv: envNameSchema.nullish(),
});
export type CreateProviderBody = z.input<typeof createProviderBodySchema>;

/** `PATCH /providers/:id`: any subset; ids cannot change. `apiKey: null` clears the stored key. */
export const updateProviderBodySchema = z.strictObject({
  kind: providerKindSchema.optional(),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  headers: headersSchema.optional(),
  enabled: z.boolean().optional(),
  apiKey: apiKeyInputSchema.nullable().optional(),
  apiKeyEnv: envNameSchema.nullable().optional(),
});
export type UpdateProviderBody = z.input<typeof updateProviderBodySchema>;

/** Prices per million tokens, integer micro-USD. */
export const priceSchema = z.object({
  inputPerMillionMicroUsd: microUsdSchema,
  outputPerMillionMicroUsd: microUsdSchema,
  cachedInputPerMillionMicroUsd: microUsdSchema.nullable(),
});

export const deploymentSchema = z.object({
  id: z.string(),
  providerId: z.string(),
  model: z.string(),
  price: priceSchema,
  timeoutMs: z.int(),
  firstByteTimeoutMs: z.int(),
  enabled: z.boolean(),
  managedBy: managedBySchema,
  createdAt: isoSchema,
  updatedAt: isoSchema,
});
export type Deployment = z.infer<typeof deploymentSchema>;

const priceInputSchema = z.strictObject({
  inputPerMillionMicroUsd: microUsdSchema,
  outputPerMillionMicroUsd: microUsdSchema,
  cachedInputPerMillionMicroUsd: microUsdSchema.nullish(),
});

const timeoutSchema = z.int().min(1).max(3_600_000);

/** `POST /deployments`. Timeouts default to the server's settings. */
export const createDeploymentBodySchema = z.strictObject({
  id: catalogIdSchema,
  providerId: catalogIdSchema,
  model: z.string().min(1).max(200),
  price: priceInputSchema,
  timeoutMs: timeoutSchema.optional(),
  firstByteTimeoutMs: timeoutSchema.optional(),
  enabled: z.boolean().default(true),
});
export type CreateDeploymentBody = z.input<typeof createDeploymentBodySchema>;

/** `PATCH /deployments/:id`. */
export const updateDeploymentBodySchema = z.strictObject({
  providerId: catalogIdSchema.optional(),
  model: z.string().min(1).max(200).optional(),
  price: priceInputSchema.optional(),
  timeoutMs: timeoutSchema.optional(),
  firstByteTimeoutMs: timeoutSchema.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateDeploymentBody = z.input<typeof updateDeploymentBodySchema>;

export const routeStrategySchema = z.enum(['adaptive', 'static', 'priority']);

/** A route's bandit settings (absent = the default); see docs/routing.md. */
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
});
export type RouteObjectiveInput = z.infer<typeof routeObjectiveSchema>;

export const routeMemberSchema = z.strictObject({
  deploymentId: catalogIdSchema,
  /** Relative weight under `static`, the prior under `adaptive`. */
  weight: z.number().min(0).finite().default(1),
  /** Lower goes first under `priority`. */
  priority: z.int().min(0).max(1_000).default(0),
});

export const routeSchema = z.object({
  name: z.string(),
  description: z.string(),
  strategy: routeStrategySchema,
  members: z.array(z.object({ deploymentId: z.string(), weight: z.number(), priority: z.int() })),
  maxAttempts: z.int(),
  deadlineMs: z.int(),
  objective: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  managedBy: managedBySchema,
  createdAt: isoSchema,
  updatedAt: isoSchema,
});
export type Route = z.infer<typeof routeSchema>;

const membersSchema = z
  .array(routeMemberSchema)
  .min(1)
  .max(50)
  .superRefine((members, ctx) => {
    const seen = new Set<string>();
    members.forEach((m, i) => {
      if (seen.has(m.deploymentId)) {
        ctx.addIssue({ code: 'custom', path: [i, 'deploymentId'], message: 'listed twice' });
      }
      seen.add(m.deploymentId);
    });
  });

/**
 * `POST /routes`. maxAttempts and deadlineMs default to the server's settings. Spend limits are
 * budgets (`/budgets`, scope `route`), not route fields.
 */
export const createRouteBodySchema = z.strictObject({
  name: routeNameSchema,
  description: z.string().max(500).default(''),
  strategy: routeStrategySchema.default('adaptive'),
  members: membersSchema,
  maxAttempts: z.int().min(1).max(10).optional(),
  deadlineMs: z.int().min(1).max(3_600_000).optional(),
  objective: routeObjectiveSchema.default({}),
  enabled: z.boolean().default(true),
});
export type CreateRouteBody = z.input<typeof createRouteBodySchema>;

/** `PATCH /routes/:name`: `members` replaces the whole list. */
export const updateRouteBodySchema = z.strictObject({
  description: z.string().max(500).optional(),
  strategy: routeStrategySchema.optional(),
  members: membersSchema.optional(),
  maxAttempts: z.int().min(1).max(10).optional(),
  deadlineMs: z.int().min(1).max(3_600_000).optional(),
  objective: routeObjectiveSchema.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateRouteBody = z.input<typeof updateRouteBodySchema>;

/** `GET /providers|deployments|routes` query. */
export const listCatalogQuerySchema = z.strictObject({
  enabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type ListCatalogQuery = z.input<typeof listCatalogQuerySchema>;
