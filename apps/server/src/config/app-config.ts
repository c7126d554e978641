import { hostname } from 'node:os';
import { z } from 'zod';

/**
 * Every environment setting Stilts reads, described in one place: what it does, its default,
 * and whether it is a secret (secrets are never logged or returned). Validated once at start;
 * a bad value stops the process with a message naming the variable.
 */
interface SettingSpec<S extends z.ZodType> {
  readonly description: string;
  readonly schema: S;
  readonly secret?: boolean;
  /** How the default reads in the docs when it is computed at start (host name, pid ...). */
  readonly defaultLabel?: string;
}

function setting<S extends z.ZodType>(spec: SettingSpec<S>): SettingSpec<S> {
  return spec;
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().positive();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalUrl = z.url({ protocol: /^https?$/ }).optional();
const optionalSecret = z.string().min(1).optional();

export const SETTINGS = {
  HOST: setting({
    description: 'Interface the gateway listens on.',
    schema: z.string().min(1).default('127.0.0.1'),
  }),
  PORT: setting({ description: 'Port the gateway listens on.', schema: port.default(8080) }),
  LOG_LEVEL: setting({
    description:
      'Log level: fatal, error, warn, info, debug (adds one access-log line per request), trace or silent.',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  }),
  HEAP_GROWING_PERCENT: setting({
    description:
      "How far V8's old generation may grow past the live heap before the next full collection, in percent (0: V8's own heuristic, which lets it grow up to 4x). Lower keeps peak memory near the live heap at a CPU cost (~10 % on two cores, more when limited to one CPU, where 0 is the better choice); see docs/adr/0007-bounded-heap-growth.md.",
    schema: z.coerce.number().int().min(0).max(400).default(25),
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: setting({
    description:
      'OpenTelemetry collector, e.g. http://127.0.0.1:4318: spans are exported over OTLP (http/protobuf; OTEL_EXPORTER_OTLP_PROTOCOL=http/json or grpc) when set, and not created at all when unset. The other standard OTEL_* variables (headers, sampler, service name) are honoured.',
    schema: optionalUrl,
  }),
  STILTS_CONFIG: setting({
    description:
      'Path to a JSON file declaring providers, deployments and routes. Without it, routes are derived from the provider credentials below (or the simulator).',
    schema: z.string().min(1).optional(),
  }),
  OPENAI_API_KEY: setting({
    description: 'Registers OpenAI (https://api.openai.com/v1).',
    schema: optionalSecret,
    secret: true,
  }),
  OPENAI_BASE_URL: setting({
    description: 'Overrides the OpenAI base URL (e.g. an Azure or proxy endpoint).',
    schema: optionalUrl,
  }),
  ANTHROPIC_API_KEY: setting({
    description: 'Registers Anthropic (https://api.anthropic.com/v1).',
    schema: optionalSecret,
    secret: true,
  }),
  GEMINI_API_KEY: setting({
    description: 'Registers Google Gemini (https://generativelanguage.googleapis.com/v1beta).',
    schema: optionalSecret,
    secret: true,
  }),
  OPENAI_COMPATIBLE_BASE_URL: setting({
    description:
      'Registers an OpenAI-compatible server (Ollama, vLLM, LM Studio ...), e.g. http://127.0.0.1:11434/v1.',
    schema: optionalUrl,
  }),
  OPENAI_COMPATIBLE_API_KEY: setting({
    description: 'API key for the OpenAI-compatible server, if it needs one.',
    schema: optionalSecret,
    secret: true,
  }),
  OPENAI_COMPATIBLE_MODEL: setting({
    description: 'Model name to request from the OpenAI-compatible server.',
    schema: z.string().min(1).default('llama3.2'),
  }),
  STILTS_SIMULATOR: setting({
    description:
      'Start the built-in provider simulator: auto (only when no provider is configured), on or off.',
    schema: z.enum(['auto', 'on', 'off']).default('auto'),
  }),
  SIM_PORT: setting({
    description: 'Port of the built-in simulator (0 picks a free one).',
    schema: port.default(0),
  }),
  SIM_SCENARIO: setting({
    description: 'Scenario file for the built-in simulator (default: the demo scenario).',
    schema: z.string().min(1).optional(),
  }),
  BODY_LIMIT_BYTES: setting({
    description: 'Largest accepted request body; larger bodies get 413.',
    schema: z.coerce
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024),
  }),
  MAX_ATTEMPTS: setting({
    description:
      'Upper bound on upstream attempts per request, and the default of routes that set none.',
    schema: z.coerce.number().int().min(1).max(10).default(3),
  }),
  REQUEST_DEADLINE_MS: setting({
    description: 'Default overall deadline per request, across all attempts.',
    schema: positiveMs.default(120_000),
  }),
  UPSTREAM_TIMEOUT_MS: setting({
    description: 'Default per-attempt timeout for a non-streamed call.',
    schema: positiveMs.default(60_000),
  }),
  FIRST_BYTE_TIMEOUT_MS: setting({
    description: 'Default time a streamed attempt may take to produce its first token.',
    schema: positiveMs.default(15_000),
  }),
  STREAM_IDLE_TIMEOUT_MS: setting({
    description: 'Longest silence allowed between two chunks of a stream.',
    schema: positiveMs.default(30_000),
  }),
  BREAKER_CONSECUTIVE_FAILURES: setting({
    description: 'Consecutive failures that open a deployment circuit breaker.',
    schema: z.coerce.number().int().min(1).default(5),
  }),
  BREAKER_COOLDOWN_MS: setting({
    description: 'How long a circuit stays open before a probe (doubles on each re-open).',
    schema: positiveMs.default(5_000),
  }),
  SHUTDOWN_GRACE_MS: setting({
    description: 'On SIGTERM, how long in-flight requests may take to finish before exit.',
    schema: positiveMs.default(25_000),
  }),
  TRUST_PROXY: setting({
    description: 'Trust X-Forwarded-* headers from a load balancer.',
    schema: bool.default(false),
  }),
  DATABASE_URL: setting({
    description:
      'PostgreSQL connection URL (postgres://user:password@host:5432/db). Unset: an embedded PostgreSQL is started with its data under STILTS_HOME.',
    schema: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    secret: true,
  }),
  DATABASE_SCHEMA: setting({
    description:
      'Schema holding Stilts tables (created if missing; set as the search_path of every connection).',
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .refine((s) => !s.startsWith('pg_'), 'the pg_ prefix is reserved by PostgreSQL')
      .default('public'),
  }),
  DATABASE_POOL_SIZE: setting({
    description: 'Connections in the database pool of each replica.',
    schema: z.coerce.number().int().min(1).max(1000).default(10),
  }),
  MIGRATIONS_RUN: setting({
    description: 'Apply pending database migrations on start.',
    schema: bool.default(true),
  }),
  STILTS_HOME: setting({
    description:
      'Directory for local state: the embedded database, the call journal, generated credentials.',
    schema: z.string().min(1).default('.stilts'),
  }),
  EMBEDDED_POSTGRES_PORT: setting({
    description: 'Port of the embedded PostgreSQL (only used without DATABASE_URL).',
    schema: port.refine((p) => p > 0, 'must be a fixed port').default(54329),
  }),
  CALL_RECORDING: setting({
    description:
      'Record every attempt in the call ledger (on), or nothing at all (off: for benchmarks only; budgets and adaptive weights then see no traffic).',
    schema: z.enum(['on', 'off']).default('on'),
  }),
  RECORDER_FLUSH_INTERVAL_MS: setting({
    description: 'The call recorder writes queued records at least this often.',
    schema: positiveMs.default(250),
  }),
  RECORDER_BATCH_SIZE: setting({
    description:
      'The call recorder also writes as soon as this many records wait (one INSERT each).',
    schema: z.coerce.number().int().min(1).max(20_000).default(1_000),
  }),
  RECORDER_MAX_BUFFERED: setting({
    description:
      'Records kept in memory while the database is unavailable; beyond it they are appended to the journal under STILTS_HOME/journal and replayed on recovery.',
    schema: z.coerce.number().int().min(100).default(50_000),
  }),
  CALL_RECORDS_RETENTION_DAYS: setting({
    description: 'Days of per-attempt call records kept (older daily partitions are dropped).',
    schema: z.coerce.number().int().min(1).default(30),
  }),
  BUDGET_DEFAULT_MAX_OUTPUT_TOKENS: setting({
    description:
      'Output tokens a budget reservation assumes when a request sets no max_tokens (the reservation is the worst case; the actual cost replaces it).',
    schema: z.coerce.number().int().min(1).max(1_000_000).default(4_096),
  }),
  BUDGET_LEASE_TTL_SECONDS: setting({
    description:
      "How long a budget slice leased by a replica lives without renewal: a crashed replica's unused budget comes back after this.",
    schema: z.coerce.number().int().min(1).max(3_600).default(30),
  }),
  BUDGET_MAINTENANCE_INTERVAL_MS: setting({
    description:
      'How often a replica renews its budget leases, returns idle ones and sweeps expired ones.',
    schema: positiveMs.default(5_000),
  }),
  WEIGHTS_INTERVAL_MS: setting({
    description:
      'How often the weights job recomputes adaptive routes (on the one replica holding its lease).',
    schema: positiveMs.default(15_000),
  }),
  WEIGHT_SNAPSHOT_RETENTION_DAYS: setting({
    description: 'Days of weight snapshots kept for the history charts.',
    schema: z.coerce.number().int().min(1).default(14),
  }),
  REPLICA_ID: setting({
    description: 'Name of this replica in snapshots and the live state.',
    defaultLabel: '<host name>-<pid>',
    schema: z
      .string()
      .min(1)
      .max(128)
      .default(() => `${hostname()}-${process.pid}`),
  }),
  STILTS_SECRET_KEY: setting({
    description:
      'Key (base64, 32 bytes) that encrypts provider API keys set through the admin API. Unset: generated once in STILTS_HOME/secret.key (replicas that do not share STILTS_HOME must share this key).',
    schema: z
      .string()
      .refine((v) => Buffer.from(v.trim(), 'base64').length === 32, 'must be 32 bytes in base64')
      .optional(),
    secret: true,
  }),
  ROLLUP_RETENTION_DAYS: setting({
    description: 'Days of per-minute rollups kept (the dashboards and the bandit read these).',
    schema: z.coerce.number().int().min(1).default(400),
  }),
} as const;

type Settings = typeof SETTINGS;
export type AppConfig = { readonly [K in keyof Settings]: z.output<Settings[K]['schema']> };

/** A setting failed validation; the message names every bad variable, never a secret's value. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates every setting from `env` (empty strings count as unset). */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): AppConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SETTINGS) as [
    keyof Settings,
    Settings[keyof Settings],
  ][]) {
    const raw = env[key];
    const result = spec.schema.safeParse(raw === '' ? undefined : raw);
    if (result.success) {
      values[key] = result.data;
    } else {
      const why = result.error.issues.map((issue) => issue.message).join('; ');
      problems.push(`${key}: ${why}${spec.secret ? '' : ` (got ${JSON.stringify(raw)})`}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as AppConfig;
}

/** The names of the settings that hold secrets, for log redaction. */
export const SECRET_SETTINGS: readonly string[] = Object.entries(SETTINGS)
  .filter(([, spec]) => 'secret' in spec && spec.secret === true)
  .map(([key]) => key);

/** Markdown table of every setting, for `--help` and the README. */
export function describeSettings(): string {
  const rows = Object.entries(SETTINGS).map(([key, spec]) => {
    const parsed = spec.schema.safeParse(undefined);
    const computed = parsed.success && parsed.data !== undefined ? String(parsed.data) : '';
    const fallback = 'defaultLabel' in spec ? spec.defaultLabel : computed;
    const secret = 'secret' in spec && spec.secret === true ? ' (secret)' : '';
    return `| \`${key}\` | ${spec.description}${secret} | ${fallback === '' ? '' : `\`${fallback}\``} |`;
  });
  return ['| Variable | Meaning | Default |', '| --- | --- | --- |', ...rows].join('\n');
}
