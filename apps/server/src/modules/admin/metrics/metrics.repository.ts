import { LATENCY_BUCKET_COUNT } from '@stilts/routing';
import type { DataSource } from 'typeorm';
import type { MetricsGroupBy, Resolution } from '@stilts/admin-contract';

/** One (bucket, series) aggregate of rollup rows; counters summed, histograms added up. */
export interface MetricsRow {
  t: Date;
  key: string | null;
  attempts: string;
  first_attempts: string;
  successes: string;
  caller_errors: string;
  rate_limited: string;
  server_errors: string;
  timeouts: string;
  connection_errors: string;
  malformed: string;
  misconfigured: string;
  interrupted: string;
  aborted: string;
  latency_sum_ms: string;
  /** The summed histogram as comma-separated counts (`parseBuckets` reads it). */
  latency_buckets: string;
  ttft_buckets: string;
  input_tokens: string;
  output_tokens: string;
  cost_micro_usd: string;
}

/**
 * Which table serves each resolution, and its bucket-start column: per key, or (`allKeys`, for
 * hours and days) the rollups over all keys, one row per (bucket, route, deployment), which
 * serve every query that neither splits nor filters by key.
 */
const TABLES: Readonly<
  Record<Resolution, { table: string; allKeys: string | undefined; time: string }>
> = {
  minute: { table: 'call_rollups_minute', allKeys: undefined, time: 'minute' },
  hour: { table: 'call_rollups_hour', allKeys: 'call_rollups_hour_by_deployment', time: 'hour' },
  day: { table: 'call_rollups_day', allKeys: 'call_rollups_day_by_deployment', time: 'day' },
};

const GROUP: Readonly<Record<MetricsGroupBy, string>> = {
  none: 'NULL::text',
  route: 'route',
  deployment: 'deployment_id',
  apiKey: "nullif(api_key_id, '')",
};

const SUMS = [
  'attempts',
  'first_attempts',
  'successes',
  'caller_errors',
  'rate_limited',
  'server_errors',
  'timeouts',
  'connection_errors',
  'malformed',
  'misconfigured',
  'interrupted',
  'aborted',
  'latency_sum_ms',
  'input_tokens',
  'output_tokens',
  'cost_micro_usd',
];

/**
 * Element-wise sum of a histogram column: one plain `sum` per bucket (no unnest, no sort),
 * sent as one comma-separated string (a missing bucket reads 0). As a `text[]` the driver's
 * array parser made a string per bucket and row: for a month of hourly points per deployment
 * that took as long as the query itself, most of it in the garbage collector.
 */
function sumBuckets(column: string): string {
  const parts = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `sum(${column}[${i + 1}])`);
  return `array_to_string(ARRAY[${parts.join(', ')}], ',', '0')`;
}

/**
 * Reads a comma-separated list of non-negative integers (as `sumBuckets` sends) without
 * allocating a string per number.
 */
export function parseBuckets(text: string): number[] {
  const out = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  let i = 0;
  let n = 0;
  for (let c = 0; c < text.length; c++) {
    const code = text.charCodeAt(c);
    if (code === 44) {
      out[i++] = n;
      n = 0;
    } else {
      n = n * 10 + (code - 48);
    }
  }
  if (text.length > 0) out[i] = n;
  return out;
}

/** Memory for one metrics statement's aggregation (a month of hourly points per key: ~25 MB). */
const AGGREGATE_WORK_MEM = '64MB';

/** A metrics query against the rollups. */
export interface MetricsSelection {
  readonly resolution: Resolution;
  readonly groupBy: MetricsGroupBy;
  readonly fromMs: number;
  readonly toMs: number;
  readonly route?: string | undefined;
  readonly deploymentId?: string | undefined;
  readonly apiKeyId?: string | undefined;
}

/**
 * Reads time series from the rollup table of the requested resolution (never the raw call
 * records): one aggregate per (bucket, series), so the rows read are bounded by buckets x
 * (routes x deployments, x keys when the query is by key) in the range, not by calls.
 */
export class MetricsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The rollup table that answers `s`. */
  static source(s: Pick<MetricsSelection, 'resolution' | 'groupBy' | 'apiKeyId'>): string {
    const { table, allKeys } = TABLES[s.resolution];
    return allKeys !== undefined && s.groupBy !== 'apiKey' && s.apiKeyId === undefined
      ? allKeys
      : table;
  }

  async series(s: MetricsSelection): Promise<MetricsRow[]> {
    const { time } = TABLES[s.resolution];
    const table = MetricsRepository.source(s);
    const params: unknown[] = [new Date(s.fromMs), new Date(s.toMs)];
    const where = [`${time} >= $1`, `${time} < $2`];
    const add = (column: string, value: string | undefined): void => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    add('route', s.route);
    add('deployment_id', s.deploymentId);
    add('api_key_id', s.apiKeyId);
    const sql = `SELECT ${time} AS t, ${GROUP[s.groupBy]} AS key,
              ${SUMS.map((c) => `sum(${c})::text AS ${c}`).join(', ')},
              ${sumBuckets('latency_buckets')} AS latency_buckets,
              ${sumBuckets('ttft_buckets')} AS ttft_buckets
         FROM ${table}
        WHERE ${where.join(' AND ')}
        GROUP BY 1, 2
        ORDER BY 2, 1`;
    // The aggregate states are wide (two histograms per group): with the default work_mem a
    // month of hourly points per key (43,200 rows with 60 key series) was grouped by an external
    // sort that spilled to disk. Enough memory for this one statement lets the planner
    // hash-aggregate in memory instead.
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SET LOCAL work_mem = '${AGGREGATE_WORK_MEM}'`);
      return tx.query<MetricsRow[]>(sql, params);
    });
  }
}
