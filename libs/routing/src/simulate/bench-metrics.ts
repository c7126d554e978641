import type { PolicyName } from './routing-policy.js';
import type { PolicyRun } from './run-policy.js';
import type { ScenarioResult } from './run-scenario.js';

/** One row of the benchmark table. */
export interface PolicySummary {
  readonly scenario: string;
  readonly policy: PolicyName;
  readonly requests: number;
  /** successes / requests (rejected requests count as failures). */
  readonly successRate: number;
  /** 95th percentile of caller-seen latency over requests that made an attempt (nearest rank). */
  readonly p95LatencyMs: number;
  readonly totalCostMicroUsd: number;
  /** max(0, spend − budget), or null without a budget. */
  readonly overshootMicroUsd: number | null;
  readonly meanReward: number;
  /** 1000 · (Σ r_oracle − Σ r_policy) / requests. */
  readonly regretPer1k: number;
}

/** Nearest-rank q-quantile of the finite values (NaN for none). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) finite.push(v);
  }
  if (finite.length === 0) return Number.NaN;
  finite.sort((a, b) => a - b);
  return finite[Math.min(finite.length - 1, Math.max(0, Math.ceil(q * finite.length) - 1))]!;
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

/**
 * The table rows of one scenario. Regret is measured against the `oracle` run of the same
 * result (0 for the oracle itself; NaN if there is none).
 */
export function summarise(result: ScenarioResult): PolicySummary[] {
  const oracle = result.runs.find((r) => r.policy === 'oracle');
  const oracleReward = oracle === undefined ? Number.NaN : sum(oracle.reward);
  return result.runs.map((run: PolicyRun) => {
    const total = sum(run.reward);
    return {
      scenario: result.scenario.name,
      policy: run.policy,
      requests: run.requests,
      successRate: run.requests === 0 ? 0 : run.successes / run.requests,
      p95LatencyMs: quantile(run.latencyMs, 0.95),
      totalCostMicroUsd: run.totalCostMicroUsd,
      overshootMicroUsd:
        run.budgetMicroUsd === null
          ? null
          : Math.max(0, run.totalCostMicroUsd - run.budgetMicroUsd),
      meanReward: run.requests === 0 ? 0 : total / run.requests,
      regretPer1k: run.requests === 0 ? 0 : (1000 * (oracleReward - total)) / run.requests,
    };
  });
}

/** First-pick share of deployment `d` in minute `m` (NaN for an empty minute). */
export function minuteShare(run: PolicyRun, minute: number, d: number): number {
  const row = run.firstPicks[minute];
  if (row === undefined) return Number.NaN;
  const total = row.reduce((s, x) => s + x, 0);
  return total === 0 ? Number.NaN : row[d]! / total;
}

/** How fast the adaptive policy gave a recovered deployment its traffic back. */
export interface RecoveryMeasure {
  readonly deploymentId: string;
  /**
   * Minutes from the recovery to the end of the first whole minute in which the policy's
   * first-pick share of the deployment was >= `ratio` × the oracle's, or null if never.
   */
  readonly minutesToRecover: number | null;
  /** Of the whole minutes from then to the end (with traffic), the fraction at or above it. */
  readonly heldFraction: number | null;
}

/**
 * Recovery of `result.scenario.watch` (needs `recoverAtMs`) for `policy` against the oracle.
 * Null when the scenario watches no recovery or a run is missing.
 */
export function measureRecovery(
  result: ScenarioResult,
  policy: PolicyName = 'stilts-adaptive',
  ratio = 0.8,
): RecoveryMeasure | null {
  const watch = result.scenario.watch;
  if (watch === null || watch.recoverAtMs === null) return null;
  const run = result.runs.find((r) => r.policy === policy);
  const oracle = result.runs.find((r) => r.policy === 'oracle');
  const d = result.scenario.deployments.findIndex((x) => x.id === watch.deploymentId);
  if (run === undefined || oracle === undefined || d < 0) return null;
  const first = Math.ceil(watch.recoverAtMs / 60_000);
  const last = Math.floor(result.scenario.durationMs / 60_000) - 1;
  let reached: number | null = null;
  let held = 0;
  let counted = 0;
  for (let m = first; m <= last; m++) {
    const mine = minuteShare(run, m, d);
    const best = minuteShare(oracle, m, d);
    if (Number.isNaN(mine) || Number.isNaN(best)) continue;
    const ok = mine >= ratio * best;
    if (reached === null && ok) reached = m;
    if (reached !== null) {
      counted++;
      if (ok) held++;
    }
  }
  return {
    deploymentId: watch.deploymentId,
    minutesToRecover:
      reached === null ? null : ((reached + 1) * 60_000 - watch.recoverAtMs) / 60_000,
    heldFraction: counted === 0 ? null : held / counted,
  };
}

/**
 * Job runs after `watch.failAtMs` until the adaptive weight of the watched deployment is at
 * most half what it was at the last run before (1 = the first run after the failure), or null.
 */
export function measureFailureResponse(result: ScenarioResult): number | null {
  const watch = result.scenario.watch;
  if (watch === null || watch.failAtMs === null) return null;
  const d = result.scenario.deployments.findIndex((x) => x.id === watch.deploymentId);
  const before = [...result.adaptiveHistory].reverse().find((s) => s.atMs < watch.failAtMs!);
  if (before === undefined || d < 0) return null;
  const w0 = before.weights[d]!;
  let runs = 0;
  for (const snapshot of result.adaptiveHistory) {
    if (snapshot.atMs < watch.failAtMs) continue;
    runs++;
    if (snapshot.weights[d]! <= w0 / 2) return runs;
  }
  return null;
}
