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
  latency_buckets: string[];
  ttft_buckets: string[];
  input_tokens: string;
  output_tokens: string;
  cost_micro_usd: string;
}

/** Which table serves each resolution, and its bucket-start column. */
const TABLES: Readonly<Record<Resolution, { table: string; time: string }>> = {
  minute: { table: 'call_rollups_minute', time: 'minute' },
  hour: { table: 'call_rollups_hour', time: 'hour' },
  day: { table: 'call_rollups_day', time: 'day' },
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

/** Element-wise sum of a histogram column: one plain `sum` per bucket (no unnest, no sort). */
function sumBuckets(column: string): string {
  const parts = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `sum(${column}[${i + 1}])`);
  return `ARRAY[${parts.join(', ')}]`;
}

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
 * (routes x deployments x keys) in the range, not by calls.
 */
export class MetricsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async series(s: MetricsSelection): Promise<MetricsRow[]> {
    const { table, time } = TABLES[s.resolution];
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
    return this.dataSource.query<MetricsRow[]>(
      `SELECT ${time} AS t, ${GROUP[s.groupBy]} AS key,
              ${SUMS.map((c) => `sum(${c})::text AS ${c}`).join(', ')},
              ${sumBuckets('latency_buckets')}::text[] AS latency_buckets,
              ${sumBuckets('ttft_buckets')}::text[] AS ttft_buckets
         FROM ${table}
        WHERE ${where.join(' AND ')}
        GROUP BY 1, 2
        ORDER BY 2, 1`,
      params,
    );
  }
}
