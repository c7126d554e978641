import type { LiveState, Override, OverrideKind, RouteWeightsView } from '@stilts/admin-contract';
import type { KeyTotals } from '../../charts/metrics-chart-data';

/** One deployment's circuit over every live replica. */
export interface BreakerSummary {
  /**
   * `forced-open` / `forced-closed`: an operator's override (on every replica that reports it);
   * `mixed`: replicas disagree; `unknown`: no live replica reports this deployment.
   */
  readonly state:
    'closed' | 'open' | 'half-open' | 'forced-open' | 'forced-closed' | 'mixed' | 'unknown';
  /** Replicas whose circuit is open (forced or not), and replicas reporting. */
  readonly openOn: number;
  readonly replicas: number;
  /** The earliest time an open circuit lets a probe through, or null. */
  readonly retryAt: string | null;
}

/** Summarises a deployment's breakers over the non-stale replicas. */
export function summariseBreaker(
  live: LiveState | undefined,
  deploymentId: string,
): BreakerSummary {
  const states = (live?.replicas ?? [])
    .filter((r) => !r.stale)
    .flatMap((r) => r.deployments.filter((d) => d.deploymentId === deploymentId));
  if (states.length === 0) return { state: 'unknown', openOn: 0, replicas: 0, retryAt: null };
  const labels = states.map((s) =>
    s.forced === 'open' ? 'forced-open' : s.forced === 'closed' ? 'forced-closed' : s.state,
  );
  const openOn = labels.filter((l) => l === 'open' || l === 'forced-open').length;
  const retryAt =
    states
      .map((s) => s.retryAt)
      .filter((r): r is string => r !== null)
      .sort()[0] ?? null;
  const first = labels[0] ?? 'unknown';
  const state = labels.every((l) => l === first) ? first : 'mixed';
  return { state, openOn, replicas: states.length, retryAt };
}

/** A row of the Routes table: one deployment of one route. */
export interface DeploymentRow {
  readonly route: string;
  readonly deploymentId: string;
  readonly providerId: string;
  /** The job's status (eligible, disabled, budget-blocked ...). */
  readonly status: string;
  /** What the bandit (or the configuration) says. */
  readonly banditWeight: number;
  /** What the hot path draws by now, overrides applied. */
  readonly effectiveWeight: number;
  readonly pinnedWeight: number | null;
  readonly disabledByOverride: boolean;
  readonly reason: string;
  readonly breaker: BreakerSummary;
  readonly stats: KeyTotals | undefined;
  /** The active overrides on this deployment that apply to this route, by kind. */
  readonly overrides: Partial<Record<OverrideKind, Override>>;
}

/** Active overrides that act on `deploymentId` in `route`, by kind (the newest of each). */
export function overridesFor(
  overrides: readonly Override[],
  route: string,
  deploymentId: string,
): Partial<Record<OverrideKind, Override>> {
  const out: Partial<Record<OverrideKind, Override>> = {};
  const newestFirst = [...overrides].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  for (const o of newestFirst) {
    if (!o.active || o.deploymentId !== deploymentId) continue;
    if (o.route !== null && o.route !== route) continue;
    out[o.kind] ??= o;
  }
  return out;
}

/**
 * Joins a route's weights with the breakers, the range's per-deployment metrics and the active
 * overrides into table rows, in the order of the weights answer.
 */
export function deploymentRows(
  weights: RouteWeightsView,
  sources: {
    readonly live?: LiveState;
    readonly stats?: ReadonlyMap<string, KeyTotals>;
    readonly overrides?: readonly Override[];
    readonly providerOf: (deploymentId: string) => string;
  },
): DeploymentRow[] {
  return weights.deployments.map((d) => ({
    route: weights.route,
    deploymentId: d.deploymentId,
    providerId: sources.providerOf(d.deploymentId),
    status: d.status,
    banditWeight: d.weight,
    effectiveWeight: d.effectiveWeight,
    pinnedWeight: d.pinnedWeight,
    disabledByOverride: d.disabledByOverride,
    reason: d.reason,
    breaker: summariseBreaker(sources.live, d.deploymentId),
    stats: sources.stats?.get(d.deploymentId),
    overrides: overridesFor(sources.overrides ?? [], weights.route, d.deploymentId),
  }));
}

/** The route-level override in force (freeze), if any. */
export function routeFreeze(overrides: readonly Override[], route: string): Override | undefined {
  return overrides.find((o) => o.active && o.kind === 'freeze_route' && o.route === route);
}
