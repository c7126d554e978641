import { Injectable } from '@nestjs/common';
import {
  RESOLUTION_MS,
  type MetricsGroupBy,
  type MetricsResponse,
  type Resolution,
} from '@stilts/admin-contract';
import { DatabaseService } from '../../database/database.service.js';
import { buildSeries, type MetricsCounts } from './metrics-series.js';
import { MetricsRepository, parseBuckets, type MetricsRow } from './metrics.repository.js';

function countsOf(r: MetricsRow): MetricsCounts {
  const n = Number;
  return {
    attempts: n(r.attempts),
    requests: n(r.first_attempts),
    outcomes: {
      success: n(r.successes),
      caller_error: n(r.caller_errors),
      rate_limited: n(r.rate_limited),
      server_error: n(r.server_errors),
      timeout: n(r.timeouts),
      connection_error: n(r.connection_errors),
      malformed: n(r.malformed),
      misconfigured: n(r.misconfigured),
      interrupted: n(r.interrupted),
      aborted: n(r.aborted),
    },
    latencySumMs: n(r.latency_sum_ms),
    latencyBuckets: parseBuckets(r.latency_buckets),
    ttftBuckets: parseBuckets(r.ttft_buckets),
    inputTokens: n(r.input_tokens),
    outputTokens: n(r.output_tokens),
    costMicroUsd: n(r.cost_micro_usd),
  };
}

/** Time series for the dashboard, from the rollup table of the asked resolution. */
@Injectable()
export class MetricsService {
  private readonly repository: MetricsRepository;

  constructor(database: DatabaseService) {
    this.repository = new MetricsRepository(database.dataSource);
  }

  async series(query: {
    from: string;
    to: string;
    resolution: Resolution;
    groupBy: MetricsGroupBy;
    route?: string | undefined;
    deploymentId?: string | undefined;
    apiKeyId?: string | undefined;
  }): Promise<MetricsResponse> {
    const unit = RESOLUTION_MS[query.resolution];
    // Whole buckets: from rounded down, to rounded up (UTC; days start at 00:00 UTC).
    const fromMs = Math.floor(Date.parse(query.from) / unit) * unit;
    const toMs = Math.ceil(Date.parse(query.to) / unit) * unit;
    const selection = {
      resolution: query.resolution,
      groupBy: query.groupBy,
      fromMs,
      toMs,
      route: query.route,
      deploymentId: query.deploymentId,
      apiKeyId: query.apiKeyId,
    };
    const rows = await this.repository.series(selection);
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      resolution: query.resolution,
      groupBy: query.groupBy,
      source: MetricsRepository.source(selection),
      series: buildSeries(rows.map((r) => ({ t: r.t.getTime(), key: r.key, counts: countsOf(r) }))),
    };
  }
}
