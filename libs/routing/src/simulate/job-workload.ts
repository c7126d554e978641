import type { DeploymentInput, RouteWeightsInput } from '../bandit/route-weights.js';
import type { RollupInput } from '../bandit/rollup-input.js';
import { emptyLatencyBuckets, latencyBucketIndex } from '../histogram/log-histogram.js';
import type { Rng } from '../rng.js';
import { normalFromUniforms } from './distributions.js';

/** Size of a synthetic weights-job input. */
export interface JobWorkloadOptions {
  readonly routes: number;
  readonly deploymentsPerRoute: number;
  /** Minutes of rollups per deployment, ending at nowMs. */
  readonly minutes: number;
  readonly nowMs: number;
  /** With a budget on every route (pacing runs), or none. */
  readonly withBudget: boolean;
}

/**
 * Synthetic input for timing the weights job ("50 routes x 10 deployments x 24 h"): one minute
 * row per deployment and minute, with per-deployment success rates, latency histograms,
 * prices and traffic. Histogram arrays are shared between rows (the job only reads them) to
 * keep ~10^6 rows in memory cheaply. Draws from `rng` only while building.
 */
export function jobWorkload(options: JobWorkloadOptions, rng: Rng): RouteWeightsInput[] {
  const routes: RouteWeightsInput[] = [];
  const firstMinute = Math.floor(options.nowMs / 60_000) * 60_000 - options.minutes * 60_000;
  for (let r = 0; r < options.routes; r++) {
    const deployments: DeploymentInput[] = [];
    const rollups: RollupInput[] = [];
    for (let d = 0; d < options.deploymentsPerRoute; d++) {
      const deploymentId = `route-${r}/deployment-${d}`;
      const priceScale = 0.1 + rng.next() * 5;
      deployments.push({
        deploymentId,
        price: {
          inputPerMillion: Math.round(priceScale * 1_000_000),
          outputPerMillion: Math.round(priceScale * 4_000_000),
        },
      });
      const success = 0.9 + rng.next() * 0.099;
      const median = 500 + rng.next() * 4_000;
      const perMinute = 5 + Math.floor(rng.next() * 60);
      const ok = Math.round(perMinute * success);
      const histograms: number[][] = [];
      for (let h = 0; h < 16; h++) {
        const buckets = emptyLatencyBuckets();
        for (let i = 0; i < ok; i++) {
          const ms = median * Math.exp(0.5 * normalFromUniforms(rng.next(), rng.next()));
          buckets[latencyBucketIndex(ms)]!++;
        }
        histograms.push(buckets);
      }
      for (let m = 0; m < options.minutes; m++) {
        const attempts = perMinute;
        rollups.push({
          deploymentId,
          minute: firstMinute + m * 60_000,
          attempts,
          outcomes: { success: ok, server_error: attempts - ok },
          latencySumMs: ok * median,
          latencyBuckets: histograms[m % histograms.length]!,
          inputTokens: attempts * 1_000,
          outputTokens: ok * 400,
          costMicroUsd: Math.round(ok * priceScale * 2_600),
        });
      }
    }
    routes.push({
      routeId: `route-${r}`,
      nowMs: options.nowMs,
      deployments,
      rollups,
      budget: options.withBudget
        ? { remainingMicroUsd: 50_000_000, remainingPeriodMs: 12 * 3_600_000 }
        : null,
      requestsPerMinute: options.withBudget ? 300 : undefined,
    });
  }
  return routes;
}
