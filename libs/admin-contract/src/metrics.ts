import { z } from 'zod';
import { checkRange, isoSchema, timeRangeShape } from './common.js';
import { attemptOutcomeSchema } from './calls.js';

export const resolutionSchema = z.enum(['minute', 'hour', 'day']);
export type Resolution = z.infer<typeof resolutionSchema>;

/** Width of one point at each resolution, ms. */
export const RESOLUTION_MS: Readonly<Record<Resolution, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/**
 * The most points one series may have: a longer range needs a coarser resolution (minute: 6 h,
 * hour: 62 days, day: 400 days) — the server answers 400 `validation_failed` on `resolution`
 * otherwise. (Minute series over a day are hundreds of thousands of rollup rows once grouped;
 * the hourly rollups answer a day in tens of milliseconds.)
 */
export const MAX_POINTS_PER_SERIES: Readonly<Record<Resolution, number>> = {
  minute: 360,
  hour: 1_488,
  day: 400,
};

/** What series to split the result by (`none`: one series for everything that matches). */
export const metricsGroupBySchema = z.enum(['none', 'route', 'deployment', 'apiKey']);
export type MetricsGroupBy = z.infer<typeof metricsGroupBySchema>;

/**
 * `GET /metrics`: time series from the rollups. `from` is rounded down and `to` up to the
 * resolution. Filters combine with AND.
 */
export const metricsQuerySchema = z
  .strictObject({
    ...timeRangeShape,
    resolution: resolutionSchema.default('hour'),
    groupBy: metricsGroupBySchema.default('none'),
    route: z.string().min(1).optional(),
    deploymentId: z.string().min(1).optional(),
    apiKeyId: z.string().min(1).optional(),
  })
  .superRefine((v, ctx) => {
    checkRange(v, ctx);
    const span = Date.parse(v.to) - Date.parse(v.from);
    const res = v.resolution;
    if (span / RESOLUTION_MS[res] > MAX_POINTS_PER_SERIES[res] + 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['resolution'],
        message: `at most ${MAX_POINTS_PER_SERIES[res]} points per series: use a coarser resolution or a shorter range`,
      });
    }
  });
export type MetricsQuery = z.input<typeof metricsQuerySchema>;

/**
 * One point of a series. Counting rules (docs: apps/server/src/modules/admin/README.md):
 * - `attempts`: upstream attempts (the rollups count attempts);
 * - `requests`: first attempts, i.e. requests that reached an upstream (retries and failovers
 *   are `attempts - requests`); per deployment, the requests it was tried first for;
 * - `successRate` = successes / attempts (per attempt; fair per deployment);
 * - `requestSuccessRate` = successes / requests (a request ends at its one success), null
 *   without requests; meaningful per route, key or overall, not per deployment;
 * - latency quantiles are over successful attempts, from the log-scale histogram (within one
 *   bucket, interpolated); TTFT over streamed attempts that produced a first token.
 */
export const metricsPointSchema = z.object({
  t: isoSchema,
  attempts: z.int(),
  requests: z.int(),
  successes: z.int(),
  successRate: z.number().nullable(),
  requestSuccessRate: z.number().nullable(),
  outcomes: z.record(attemptOutcomeSchema, z.int()),
  latencyMeanMs: z.number().nullable(),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  latencyP99Ms: z.number().nullable(),
  ttftP50Ms: z.number().nullable(),
  ttftP95Ms: z.number().nullable(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costMicroUsd: z.number(),
});
export type MetricsPoint = z.infer<typeof metricsPointSchema>;

export const metricsSeriesSchema = z.object({
  /** The route, deployment or key id of the series; null for `groupBy=none`. */
  key: z.string().nullable(),
  /** Totals over the whole range. */
  total: metricsPointSchema.omit({ t: true }),
  /** One point per bucket with traffic (buckets without traffic are omitted). */
  points: z.array(metricsPointSchema),
});
export type MetricsSeries = z.infer<typeof metricsSeriesSchema>;

export const metricsResponseSchema = z.object({
  from: isoSchema,
  to: isoSchema,
  resolution: resolutionSchema,
  groupBy: metricsGroupBySchema,
  /**
   * Which rollup table answered: `call_rollups_minute|hour|day`, or
   * `call_rollups_hour|day_by_deployment` (over all keys) when the query neither splits nor
   * filters by key.
   */
  source: z.string(),
  series: z.array(metricsSeriesSchema),
});
export type MetricsResponse = z.infer<typeof metricsResponseSchema>;
