import { z } from 'zod';

const rate = z.number().min(0).max(1);
const nonNegativeMs = z.number().min(0).max(600_000);
const count = z.int().min(0);
const httpErrorStatus = z.int().min(400).max(599);

/** Time to first byte: fixed, uniform in [minMs, maxMs], or log-normal by median and p95. */
const latencySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), ms: nonNegativeMs }),
  z
    .strictObject({ kind: z.literal('uniform'), minMs: nonNegativeMs, maxMs: nonNegativeMs })
    .refine((l) => l.minMs <= l.maxMs, { message: 'must be >= minMs', path: ['maxMs'] }),
  z
    .strictObject({
      kind: z.literal('lognormal'),
      medianMs: z.number().positive().max(600_000),
      p95Ms: z.number().positive().max(600_000),
    })
    .refine((l) => l.medianMs <= l.p95Ms, { message: 'must be >= medianMs', path: ['p95Ms'] }),
]);

const tokenCountSchema = z.union(
  [
    z.int().min(0),
    z
      .strictObject({ min: count, max: count })
      .refine((t) => t.min <= t.max, { message: 'must be >= min', path: ['max'] }),
  ],
  { error: 'expected a token count or { min, max }' },
);

const outageSchema = z.union(
  [z.literal('reset'), z.strictObject({ status: httpErrorStatus.optional() })],
  { error: 'expected "reset" or { status?: 400..599 }' },
);

/** Every field a behaviour may set; windows override any subset of them. */
const behaviourShape = {
  latency: latencySchema.optional(),
  interChunkMs: nonNegativeMs.optional(),
  outputTokens: tokenCountSchema.optional(),
  inputTokens: count.optional(),
  chunkTokens: z.int().min(1).optional(),
  errorRate: rate.optional(),
  errorStatuses: z.array(httpErrorStatus).min(1).optional(),
  rateLimit: z
    .strictObject({
      rate,
      retryAfterS: z.number().min(0).max(86_400).optional(),
      retryAfterMs: z.int().min(0).max(86_400_000).optional(),
    })
    .optional(),
  outage: outageSchema.optional(),
  resetRate: rate.optional(),
  stall: z.strictObject({ rate, afterChunks: count }).optional(),
  cutRate: rate.optional(),
  cutAfterChunks: count.optional(),
  streamError: z.strictObject({ rate, afterChunks: count }).optional(),
  malformedRate: rate.optional(),
};

const behaviourSchema = z.strictObject(behaviourShape);

const windowSchema = z
  .strictObject({
    fromS: z.number().min(0),
    toS: z.number().positive(),
    description: z.string().optional(),
    ...behaviourShape,
  })
  .refine((w) => w.fromS < w.toS, { message: 'must be > fromS', path: ['toS'] });

const providerBehaviourSchema = z.strictObject({
  ...behaviourShape,
  windows: z.array(windowSchema).optional(),
});

/** Provider ids become the first path segment, so they must be URL-safe and not `_sim`. */
const providerIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'provider ids are 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

const providerSchema = z.strictObject({
  description: z.string().optional(),
  apiKey: z.string().min(1).optional(),
  models: z.array(z.string().min(1)).min(1).optional(),
  behaviour: providerBehaviourSchema.optional(),
});

const scenarioSchema = z
  .strictObject({
    description: z.string().optional(),
    loopS: z.number().positive().optional(),
    defaults: behaviourSchema.optional(),
    providers: z
      .record(providerIdSchema, providerSchema)
      .refine((p) => Object.keys(p).length > 0, { message: 'at least one provider is required' }),
  })
  .superRefine((scenario, ctx) => {
    const loopS = scenario.loopS;
    if (loopS === undefined) return;
    for (const [id, provider] of Object.entries(scenario.providers)) {
      provider.behaviour?.windows?.forEach((w, i) => {
        if (w.fromS >= loopS) {
          ctx.addIssue({
            code: 'custom',
            message: `starts at or after loopS (${loopS}), so it would never apply`,
            path: ['providers', id, 'behaviour', 'windows', i, 'fromS'],
          });
        }
      });
    }
  });

/** A scenario: which providers exist, their keys and models, and how each behaves over time. */
export type Scenario = z.infer<typeof scenarioSchema>;
/** One provider of a {@link Scenario}. */
export type ScenarioProvider = z.infer<typeof providerSchema>;
/** The behaviour fields a scenario, a provider or a window may set. */
export type Behaviour = z.infer<typeof behaviourSchema>;
/** A time window (seconds since the scenario started) that overrides a provider's behaviour. */
export type BehaviourWindow = z.infer<typeof windowSchema>;
/** Time-to-first-byte distribution. */
export type LatencySpec = z.infer<typeof latencySchema>;
/** `outage` value: every request fails with a status (default 503) or has its socket destroyed. */
export type OutageSpec = z.infer<typeof outageSchema>;

/** One problem found in a scenario, with the dotted path of the offending field. */
export interface ScenarioIssue {
  path: string;
  message: string;
}

/** Thrown by {@link parseScenario}; `message` lists every issue as `path: problem`. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  /** Marker for `instanceof`-free checks across package copies. */
  readonly isScenarioError = true;

  constructor(readonly issues: readonly ScenarioIssue[]) {
    super(
      `invalid scenario:\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`,
    );
  }
}

/** Renders a zod path as `providers.sim-openai.behaviour.windows[0].toS`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out.length === 0 ? String(key) : `.${String(key)}`;
  }
  return out;
}

function flattenIssues(issues: readonly z.core.$ZodIssue[]): ScenarioIssue[] {
  return issues.map((issue) => {
    // A bad record key reports "Invalid key in record"; the nested issue says why.
    const nested = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
    return {
      path: formatIssuePath(issue.path),
      message: nested === undefined ? issue.message : `invalid provider id: ${nested}`,
    };
  });
}

/**
 * Validates a scenario (usually parsed JSON). Unknown fields are errors, so a typo such as
 * `errorrate` cannot silently do nothing.
 *
 * @throws {ScenarioError} listing every problem with the path of the bad field.
 */
export function parseScenario(input: unknown): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) throw new ScenarioError(flattenIssues(result.error.issues));
  return result.data;
}

/** True for a {@link ScenarioError}, also across duplicated package copies. */
export function isScenarioError(error: unknown): error is ScenarioError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isScenarioError?: unknown }).isScenarioError === true
  );
}
