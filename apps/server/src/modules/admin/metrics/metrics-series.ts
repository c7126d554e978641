import type { AttemptOutcome, MetricsPoint, MetricsSeries } from '@stilts/admin-contract';
import { emptyLatencyBuckets, quantileFromBuckets } from '@stilts/routing';

/** Counters of one bucket (or of a whole range) of one series, as summed from rollups. */
export interface MetricsCounts {
  attempts: number;
  requests: number;
  outcomes: Record<AttemptOutcome, number>;
  latencySumMs: number;
  latencyBuckets: number[];
  ttftBuckets: number[];
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
}

/** Zero counts. */
export function emptyCounts(): MetricsCounts {
  return {
    attempts: 0,
    requests: 0,
    outcomes: {
      success: 0,
      caller_error: 0,
      rate_limited: 0,
      server_error: 0,
      timeout: 0,
      connection_error: 0,
      malformed: 0,
      misconfigured: 0,
      interrupted: 0,
      aborted: 0,
    },
    latencySumMs: 0,
    latencyBuckets: emptyLatencyBuckets(),
    ttftBuckets: emptyLatencyBuckets(),
    inputTokens: 0,
    outputTokens: 0,
    costMicroUsd: 0,
  };
}

/** Adds `b` into `a`. */
export function addCounts(a: MetricsCounts, b: MetricsCounts): MetricsCounts {
  a.attempts += b.attempts;
  a.requests += b.requests;
  for (const k of Object.keys(a.outcomes) as AttemptOutcome[]) a.outcomes[k] += b.outcomes[k];
  a.latencySumMs += b.latencySumMs;
  addInto(a.latencyBuckets, b.latencyBuckets);
  addInto(a.ttftBuckets, b.ttftBuckets);
  a.inputTokens += b.inputTokens;
  a.outputTokens += b.outputTokens;
  a.costMicroUsd += b.costMicroUsd;
  return a;
}

function addInto(a: number[], b: readonly number[]): void {
  for (let i = 0; i < b.length; i++) a[i] = (a[i] ?? 0) + (b[i] as number);
}

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);
const round = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);

/**
 * The derived figures of one bucket: rates, mean latency and quantiles (p50/p95/p99 latency of
 * successful attempts, p50/p95 TTFT, from the log-scale histograms). Pure.
 *
 *   successRate        = successes / attempts
 *   requestSuccessRate = successes / requests   (a request ends at its only success)
 */
export function toPoint(counts: MetricsCounts): Omit<MetricsPoint, 't'> {
  const successes = counts.outcomes.success;
  return {
    attempts: counts.attempts,
    requests: counts.requests,
    successes,
    successRate: ratio(successes, counts.attempts),
    requestSuccessRate: ratio(successes, counts.requests),
    outcomes: { ...counts.outcomes },
    latencyMeanMs: round(ratio(counts.latencySumMs, successes)),
    latencyP50Ms: round(quantileFromBuckets(counts.latencyBuckets, 0.5)),
    latencyP95Ms: round(quantileFromBuckets(counts.latencyBuckets, 0.95)),
    latencyP99Ms: round(quantileFromBuckets(counts.latencyBuckets, 0.99)),
    ttftP50Ms: round(quantileFromBuckets(counts.ttftBuckets, 0.5)),
    ttftP95Ms: round(quantileFromBuckets(counts.ttftBuckets, 0.95)),
    inputTokens: counts.inputTokens,
    outputTokens: counts.outputTokens,
    costMicroUsd: counts.costMicroUsd,
  };
}

/** Builds series (in key order) from per-bucket counts; totals are summed over the range. */
export function buildSeries(
  rows: readonly {
    readonly t: number;
    readonly key: string | null;
    readonly counts: MetricsCounts;
  }[],
): MetricsSeries[] {
  const byKey = new Map<string | null, { total: MetricsCounts; points: MetricsPoint[] }>();
  for (const row of rows) {
    let series = byKey.get(row.key);
    if (!series) {
      series = { total: emptyCounts(), points: [] };
      byKey.set(row.key, series);
    }
    addCounts(series.total, row.counts);
    series.points.push({ t: new Date(row.t).toISOString(), ...toPoint(row.counts) });
  }
  return [...byKey].map(([key, s]) => ({
    key,
    total: toPoint(s.total),
    // ISO-8601 UTC timestamps of one format sort chronologically as plain strings: no need
    // for a collation-aware `localeCompare`.
    points: s.points.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0)),
  }));
}
