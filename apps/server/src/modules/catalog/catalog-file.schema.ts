import { z } from 'zod';
import { usdToMicroUsd } from '@stilts/routing';
import { routeObjectiveSchema } from '../weights/route-objective.schema.js';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/-]{0,127}$/i, 'must be 1-128 letters, digits, dots, dashes, slashes');

const usd = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    const micro = usdToMicroUsd(value);
    if (micro < 0) throw new RangeError('negative');
    return micro;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a non-negative USD amount, e.g. "0.15"' });
    return z.NEVER;
  }
});

/**
 * The `STILTS_CONFIG` file. Credentials are never written in it: a provider names the
 * environment variable that holds its key (`apiKeyEnv`).
 */
export const catalogFileSchema = z.strictObject({
  providers: z.array(
    z.strictObject({
      id,
      kind: z.enum(['openai', 'anthropic', 'gemini']),
      baseUrl: z.url({ protocol: /^https?$/ }),
      apiKeyEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
        .optional(),
      headers: z.record(z.string(), z.string()).default({}),
      enabled: z.boolean().default(true),
    }),
  ),
  deployments: z.array(
    z.strictObject({
      id,
      provider: id,
      model: z.string().min(1),
      inputPricePerMillionUsd: usd,
      outputPricePerMillionUsd: usd,
      cachedInputPricePerMillionUsd: usd.optional(),
      timeoutMs: z.int().positive().optional(),
      firstByteTimeoutMs: z.int().positive().optional(),
      enabled: z.boolean().default(true),
    }),
  ),
  routes: z.array(
    z.strictObject({
      name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._:/-]{0,127}$/, 'must be a model-like name'),
      description: z.string().default(''),
      strategy: z.enum(['adaptive', 'static', 'priority']).default('adaptive'),
      maxAttempts: z.int().min(1).max(10).optional(),
      deadlineMs: z.int().positive().optional(),
      objective: routeObjectiveSchema.default({}),
      deployments: z
        .array(
          z.strictObject({
            deployment: id,
            weight: z.number().min(0).finite().default(1),
            priority: z.int().min(0).default(0),
          }),
        )
        .min(1),
    }),
  ),
});

export type CatalogFile = z.infer<typeof catalogFileSchema>;
