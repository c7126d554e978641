import {
  attemptOutcomeSchema,
  type ApiKey,
  type AttemptOutcome,
  type Budget,
  type CallAttempt,
  type CallDetail,
  type DeploymentWeightView,
  type LiveState,
  type MetricsPoint,
  type MetricsResponse,
  type MetricsSeries,
  type Override,
  type RouteWeightsView,
  type Session,
  type Team,
  type WeightHistory,
} from '@stilts/admin-contract';

/** Test data factories: complete contract objects with overridable fields. */

export function metricsPoint(t: string, patch: Partial<MetricsPoint> = {}): MetricsPoint {
  return {
    t,
    attempts: 0,
    requests: 0,
    successes: 0,
    successRate: null,
    requestSuccessRate: null,
    outcomes: Object.fromEntries(attemptOutcomeSchema.options.map((o) => [o, 0])) as Record<
      AttemptOutcome,
      number
    >,
    latencyMeanMs: null,
    latencyP50Ms: null,
    latencyP95Ms: null,
    latencyP99Ms: null,
    ttftP50Ms: null,
    ttftP95Ms: null,
    inputTokens: 0,
    outputTokens: 0,
    costMicroUsd: 0,
    ...patch,
  };
}

/** A series whose total is the sum of its points (p95: their maximum). */
export function metricsSeries(key: string | null, points: MetricsPoint[]): MetricsSeries {
  const total = metricsPoint('', {});
  const { t: _t, ...rest } = total;
  const sum = { ...rest };
  for (const p of points) {
    sum.attempts += p.attempts;
    sum.requests += p.requests;
    sum.successes += p.successes;
    sum.costMicroUsd += p.costMicroUsd;
    sum.inputTokens += p.inputTokens;
    sum.outputTokens += p.outputTokens;
    if (p.latencyP95Ms !== null) sum.latencyP95Ms = Math.max(sum.latencyP95Ms ?? 0, p.latencyP95Ms);
  }
  sum.successRate = sum.attempts > 0 ? sum.successes / sum.attempts : null;
  sum.requestSuccessRate = sum.requests > 0 ? sum.successes / sum.requests : null;
  return { key, total: sum, points };
}

export function metricsResponse(patch: Partial<MetricsResponse> = {}): MetricsResponse {
  return {
    from: '2026-11-24T10:00:00.000Z',
    to: '2026-11-24T10:05:00.000Z',
    resolution: 'minute',
    groupBy: 'deployment',
    source: 'call_rollups_minute',
    series: [],
    ...patch,
  };
}

export function override(patch: Partial<Override> = {}): Override {
  return {
    id: '1',
    kind: 'pin_weight',
    route: 'chat',
    deploymentId: 'sim-a/m',
    weight: 0.5,
    actor: 'alice',
    reason: 'testing',
    createdAt: '2026-11-24T10:00:00.000Z',
    expiresAt: null,
    revokedAt: null,
    revokedBy: null,
    active: true,
    ...patch,
  };
}

export function deploymentWeight(
  deploymentId: string,
  patch: Partial<DeploymentWeightView> = {},
): DeploymentWeightView {
  return {
    deploymentId,
    status: 'eligible',
    weight: 0.5,
    effectiveWeight: 0.5,
    winShare: 0.5,
    floor: 0.02,
    posterior: null,
    changeAt: null,
    reason: 'winner: success 99.8%',
    pinnedWeight: null,
    disabledByOverride: false,
    ...patch,
  };
}

export function routeWeights(
  route: string,
  deployments: DeploymentWeightView[],
  patch: Partial<RouteWeightsView> = {},
): RouteWeightsView {
  return {
    route,
    strategy: 'adaptive',
    source: 'snapshot',
    snapshot: {
      version: 3,
      computedAt: '2026-11-24T10:00:00.000Z',
      computedBy: 'replica-1',
      lambda: 0,
      pacing: null,
    },
    frozen: false,
    deployments,
    ...patch,
  };
}

export function liveState(
  replicas: {
    id: string;
    stale?: boolean;
    states: Partial<LiveState['replicas'][number]['deployments'][number]>[];
  }[],
): LiveState {
  return {
    at: '2026-11-24T10:00:00.000Z',
    staleAfterSeconds: 30,
    replicas: replicas.map((r) => ({
      replicaId: r.id,
      self: false,
      startedAt: '2026-11-24T09:00:00.000Z',
      heartbeatAt: '2026-11-24T10:00:00.000Z',
      stale: r.stale ?? false,
      deployments: r.states.map((s) => ({
        deploymentId: 'sim-a/m',
        state: 'closed' as const,
        forced: null,
        available: true,
        pausedUntil: null,
        consecutiveFailures: 0,
        trips: 0,
        retryAt: null,
        ...s,
      })),
    })),
  };
}

export function weightHistory(patch: Partial<WeightHistory> = {}): WeightHistory {
  return {
    route: 'chat',
    from: '2026-11-24T10:00:00.000Z',
    to: '2026-11-24T11:00:00.000Z',
    total: 0,
    downsampled: false,
    points: [],
    ...patch,
  };
}

export function session(patch: Partial<Session> = {}): Session {
  return {
    tokenId: '1',
    name: 'ops',
    role: 'admin',
    prefix: 'st-admin-AbCd',
    via: 'cookie',
    expiresAt: null,
    ...patch,
  };
}

export function callAttempt(patch: Partial<CallAttempt> = {}): CallAttempt {
  return {
    requestId: 'req-1',
    attempt: 1,
    startedAt: '2026-11-24T10:00:00.000Z',
    route: 'chat',
    deploymentId: 'sim-a/m',
    providerId: 'sim-a',
    apiKeyId: null,
    outcome: 'success',
    httpStatus: 200,
    errorType: null,
    latencyMs: 420,
    ttftMs: null,
    inputTokens: 100,
    outputTokens: 40,
    costMicroUsd: 1_200,
    propensity: 0.5,
    snapshotVersion: 3,
    streamed: false,
    ...patch,
  };
}

export function callDetail(patch: Partial<CallDetail> = {}): CallDetail {
  return {
    requestId: 'req-1',
    route: 'chat',
    apiKeyId: null,
    startedAt: '2026-11-24T10:00:00.000Z',
    outcome: 'success',
    totalLatencyMs: 900,
    totalCostMicroUsd: 1_200,
    snapshotVersion: 3,
    attempts: [callAttempt()],
    plan: null,
    decisions: [],
    ...patch,
  };
}

export function budget(patch: Partial<Budget> = {}): Budget {
  return {
    id: 'b1',
    name: 'Global daily',
    scope: 'global',
    scopeRef: null,
    period: 'day',
    amountMicroUsd: 10_000_000,
    action: 'block',
    degradeMaxPricePerMillionMicroUsd: null,
    enabled: true,
    status: {
      periodStart: '2026-11-24T00:00:00.000Z',
      periodEnd: '2026-11-25T00:00:00.000Z',
      spentMicroUsd: 2_500_000,
      reservedMicroUsd: 100_000,
      remainingMicroUsd: 7_400_000,
      burnRateMicroUsdPerHour: 250_000,
      projectedMicroUsd: 5_500_000,
    },
    ...patch,
  };
}

export function team(patch: Partial<Team> = {}): Team {
  return {
    id: '7d1c1d6e-4a8f-4c55-9a57-3b1f5d4f2e10',
    name: 'default',
    createdAt: '2026-11-24T09:00:00.000Z',
    ...patch,
  };
}

export function apiKey(patch: Partial<ApiKey> = {}): ApiKey {
  return {
    id: 'k1',
    teamId: team().id,
    name: 'development',
    prefix: 'sk-stilts-AbC123',
    allowedRoutes: null,
    requestsPerMinute: null,
    tokensPerMinute: null,
    expiresAt: null,
    revokedAt: null,
    createdAt: '2026-11-24T09:00:00.000Z',
    state: 'active',
    ...patch,
  };
}
