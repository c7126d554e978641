import {
  RESOLUTION_MS,
  type MetricsPoint,
  type MetricsResponse,
  type MetricsSeries,
} from '@stilts/admin-contract';
import type { ChartData, ChartRow, ChartSeries } from './chart-types';
import type { Unit } from './format';
import { colorsFor } from './palette';

/** The per-provider measures of the Overview. */
export type GroupMetric = 'requestsPerMinute' | 'successRate' | 'latencyP95Ms' | 'costMicroUsd';

export const METRIC_UNITS: Readonly<Record<GroupMetric, Unit>> = {
  requestsPerMinute: 'perMinute',
  successRate: 'percent',
  latencyP95Ms: 'ms',
  costMicroUsd: 'microUsd',
};

/** The sums a bucket of several series (e.g. a provider's deployments) can be combined into. */
export interface Bucket {
  attempts: number;
  requests: number;
  successes: number;
  costMicroUsd: number;
  inputTokens: number;
  outputTokens: number;
  /**
   * The largest p95 among the combined series. Quantiles do not add up; the p95 of a mixture
   * is at most the largest p95 of its parts, so this is an upper bound (exact for one series).
   */
  latencyP95Ms: number | null;
}

type PointTotals = Omit<MetricsPoint, 't'>;

function emptyBucket(): Bucket {
  return {
    attempts: 0,
    requests: 0,
    successes: 0,
    costMicroUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    latencyP95Ms: null,
  };
}

function addInto(bucket: Bucket, point: PointTotals): void {
  bucket.attempts += point.attempts;
  bucket.requests += point.requests;
  bucket.successes += point.successes;
  bucket.costMicroUsd += point.costMicroUsd;
  bucket.inputTokens += point.inputTokens;
  bucket.outputTokens += point.outputTokens;
  if (point.latencyP95Ms !== null) {
    bucket.latencyP95Ms =
      bucket.latencyP95Ms === null
        ? point.latencyP95Ms
        : Math.max(bucket.latencyP95Ms, point.latencyP95Ms);
  }
}

/**
 * The start of every bucket in `[from, to)` at `stepMs`, the first one aligned down to the
 * step (as the API aligns its points).
 */
export function bucketStarts(from: number, to: number, stepMs: number): number[] {
  if (!(stepMs > 0) || !(to > from)) return [];
  const out: number[] = [];
  for (let t = Math.floor(from / stepMs) * stepMs; t < to; t += stepMs) out.push(t);
  return out;
}

/**
 * The provider of a deployment: from the catalog when known, else the part of the id before
 * the first slash (deployment ids are `<provider>/<model>` by convention).
 */
export function providerOf(deploymentId: string, catalog?: ReadonlyMap<string, string>): string {
  return catalog?.get(deploymentId) ?? deploymentId.split('/')[0] ?? deploymentId;
}

/**
 * Folds the series of a metrics answer into groups (`groupOf` maps a series key, e.g. a
 * deployment id, to its group, e.g. the provider), bucket by bucket.
 */
export function aggregateSeries(
  series: readonly MetricsSeries[],
  groupOf: (key: string | null) => string,
): Map<string, Map<number, Bucket>> {
  const groups = new Map<string, Map<number, Bucket>>();
  for (const s of series) {
    const name = groupOf(s.key);
    let buckets = groups.get(name);
    if (!buckets) groups.set(name, (buckets = new Map<number, Bucket>()));
    for (const point of s.points) {
      const t = Date.parse(point.t);
      let bucket = buckets.get(t);
      if (!bucket) buckets.set(t, (bucket = emptyBucket()));
      addInto(bucket, point);
    }
  }
  return groups;
}

/**
 * One measure of a bucket. A bucket without traffic (absent) is 0 requests and 0 spend, but
 * no success rate and no latency at all (null: the line breaks instead of diving to zero).
 */
export function metricOf(
  bucket: Bucket | undefined,
  metric: GroupMetric,
  stepMs: number,
): number | null {
  switch (metric) {
    case 'requestsPerMinute':
      return bucket ? bucket.requests / (stepMs / 60_000) : 0;
    case 'costMicroUsd':
      return bucket ? bucket.costMicroUsd : 0;
    case 'successRate':
      return bucket && bucket.attempts > 0 ? bucket.successes / bucket.attempts : null;
    case 'latencyP95Ms':
      return bucket ? bucket.latencyP95Ms : null;
  }
}

/**
 * A metrics answer as chart rows with one line per group (e.g. per provider): every bucket of
 * the range present (gaps filled per {@link metricOf}), groups sorted by name, row fields
 * `s0, s1, ...` (ids may hold dots, which chart libraries read as paths).
 */
export function groupedMetricChart(
  response: MetricsResponse,
  metric: GroupMetric,
  groupOf: (key: string | null) => string,
): ChartData {
  const stepMs = RESOLUTION_MS[response.resolution];
  const from = Date.parse(response.from);
  const to = Date.parse(response.to);
  const groups = aggregateSeries(response.series, groupOf);
  const names = [...groups.keys()].sort();
  const colors = colorsFor(names);
  const series: ChartSeries[] = names.map((name, i) => ({
    key: `s${i}`,
    label: name,
    color: colors.get(name) ?? '#475569',
    kind: 'line',
    axis: 'left',
  }));
  const rows: ChartRow[] = bucketStarts(from, to, stepMs).map((t) => {
    const row: Record<string, number | null> = { t };
    names.forEach((name, i) => {
      row[`s${i}`] = metricOf(groups.get(name)?.get(t), metric, stepMs);
    });
    return row as ChartRow;
  });
  return { rows, series, domain: [from, to], markers: [] };
}

/** The headline numbers of a range, from a `groupBy=none` answer. */
export interface RangeTotals {
  readonly requests: number;
  readonly attempts: number;
  readonly requestsPerMinute: number;
  /** Successes / requests: how often a caller got an answer. */
  readonly successRate: number | null;
  /** Successes / attempts: how often an upstream call worked. */
  readonly attemptSuccessRate: number | null;
  readonly latencyP95Ms: number | null;
  readonly costMicroUsd: number;
}

/** Totals of every series of an answer (one for `groupBy=none`). */
export function rangeTotals(response: MetricsResponse): RangeTotals {
  const sum = emptyBucket();
  for (const s of response.series) addInto(sum, s.total);
  const minutes = (Date.parse(response.to) - Date.parse(response.from)) / 60_000;
  return {
    requests: sum.requests,
    attempts: sum.attempts,
    requestsPerMinute: minutes > 0 ? sum.requests / minutes : 0,
    successRate: sum.requests > 0 ? Math.min(1, sum.successes / sum.requests) : null,
    attemptSuccessRate: sum.attempts > 0 ? sum.successes / sum.attempts : null,
    latencyP95Ms: sum.latencyP95Ms,
    costMicroUsd: sum.costMicroUsd,
  };
}

/** Per-key totals of a grouped answer (e.g. `groupBy=deployment`), for tables. */
export interface KeyTotals {
  readonly attempts: number;
  readonly requests: number;
  readonly successRate: number | null;
  readonly latencyP95Ms: number | null;
  readonly costMicroUsd: number;
  /** Spend per 1,000 attempts at this key (a deployment's own calls, failovers included). */
  readonly costPer1kMicroUsd: number | null;
}

export function totalsByKey(response: MetricsResponse | undefined): Map<string, KeyTotals> {
  const out = new Map<string, KeyTotals>();
  for (const s of response?.series ?? []) {
    if (s.key === null) continue;
    const t = s.total;
    out.set(s.key, {
      attempts: t.attempts,
      requests: t.requests,
      successRate: t.attempts > 0 ? t.successes / t.attempts : null,
      latencyP95Ms: t.latencyP95Ms,
      costMicroUsd: t.costMicroUsd,
      costPer1kMicroUsd: t.attempts > 0 ? (t.costMicroUsd / t.attempts) * 1_000 : null,
    });
  }
  return out;
}
