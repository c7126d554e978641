import type { RollupInput, RouteWeights as ComputedWeights } from '@stilts/routing';
import type { DataSource } from 'typeorm';

/** A stored snapshot of one route's weights. */
export interface WeightSnapshot {
  /** The snapshot's version (monotonic across routes). */
  readonly version: number;
  readonly route: string;
  readonly computedAt: number;
  readonly computedBy: string;
  readonly weights: Readonly<Record<string, number>>;
  readonly lambda: number;
  readonly pacing: ComputedWeights['pacing'];
  readonly deployments: ComputedWeights['deployments'];
  readonly objective: ComputedWeights['objective'];
}

interface SnapshotRow {
  id: string;
  route: string;
  computed_at: Date;
  computed_by: string;
  weights: Record<string, number>;
  lambda: number;
  pacing: ComputedWeights['pacing'];
  deployments: ComputedWeights['deployments'];
  objective: ComputedWeights['objective'];
}

function fromRow(r: SnapshotRow): WeightSnapshot {
  return {
    version: Number(r.id),
    route: r.route,
    computedAt: r.computed_at.getTime(),
    computedBy: r.computed_by,
    weights: r.weights,
    lambda: r.lambda,
    pacing: r.pacing,
    deployments: r.deployments,
    objective: r.objective,
  };
}

interface RollupRow {
  route: string;
  deployment_id: string;
  minute: Date;
  attempts: number;
  successes: number;
  caller_errors: number;
  rate_limited: number;
  server_errors: number;
  timeouts: number;
  connection_errors: number;
  malformed: number;
  misconfigured: number;
  interrupted: number;
  aborted: number;
  latency_sum_ms: string;
  latency_buckets: number[];
  input_tokens: string;
  output_tokens: string;
  cost_micro_usd: string;
}

/** `weight_snapshots`, and the rollup reads the weights job needs. */
export class WeightSnapshotsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The newest snapshot of each route (one index probe per route). */
  async latest(): Promise<WeightSnapshot[]> {
    const rows = await this.dataSource.query<SnapshotRow[]>(
      `SELECT s.* FROM routes r
        CROSS JOIN LATERAL (
          SELECT id, route, computed_at, computed_by, weights, lambda, pacing, deployments, objective
            FROM weight_snapshots ws WHERE ws.route = r.name ORDER BY id DESC LIMIT 1) s`,
    );
    return rows.map(fromRow);
  }

  /** Snapshots of a route over a time range, oldest first (at most `limit`). */
  async history(
    route: string,
    fromMs: number,
    toMs: number,
    limit: number,
  ): Promise<WeightSnapshot[]> {
    const rows = await this.dataSource.query<SnapshotRow[]>(
      `SELECT id, route, computed_at, computed_by, weights, lambda, pacing, deployments, objective
         FROM weight_snapshots
        WHERE route = $1 AND computed_at >= $2 AND computed_at < $3
        ORDER BY id LIMIT $4`,
      [route, new Date(fromMs), new Date(toMs), limit],
    );
    return rows.map(fromRow);
  }

  /** Inserts one snapshot per computed route in one statement; returns them with versions. */
  async insert(
    computed: readonly ComputedWeights[],
    computedBy: string,
  ): Promise<WeightSnapshot[]> {
    if (computed.length === 0) return [];
    const rows = await this.dataSource.query<SnapshotRow[]>(
      `INSERT INTO weight_snapshots (route, computed_at, computed_by, weights, lambda, pacing, deployments, objective)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::jsonb[],
                            $5::double precision[], $6::jsonb[], $7::jsonb[], $8::jsonb[])
       RETURNING id, route, computed_at, computed_by, weights, lambda, pacing, deployments, objective`,
      [
        computed.map((c) => c.routeId),
        computed.map((c) => new Date(c.computedAtMs)),
        computed.map(() => computedBy),
        computed.map((c) => JSON.stringify(c.weights)),
        computed.map((c) => c.lambda),
        computed.map((c) => (c.pacing ? JSON.stringify(c.pacing) : null)),
        computed.map((c) => JSON.stringify(c.deployments)),
        computed.map((c) => JSON.stringify(c.objective)),
      ],
    );
    return rows.map(fromRow);
  }

  /** Deletes snapshots computed before `beforeMs`, keeping each route's newest. */
  async prune(beforeMs: number): Promise<number> {
    const rows = await this.dataSource.query<{ n: number }[]>(
      `WITH gone AS (
         DELETE FROM weight_snapshots ws
          WHERE computed_at < $1
            AND id <> (SELECT max(id) FROM weight_snapshots newest WHERE newest.route = ws.route)
          RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [new Date(beforeMs)],
    );
    return rows[0]?.n ?? 0;
  }

  /** Minute rollups of `routes` since `sinceMs`, grouped by route, in the bandit's input shape. */
  async rollups(routes: readonly string[], sinceMs: number): Promise<Map<string, RollupInput[]>> {
    const rows = await this.dataSource.query<RollupRow[]>(
      `SELECT route, deployment_id, minute, attempts, successes, caller_errors, rate_limited,
              server_errors, timeouts, connection_errors, malformed, misconfigured, interrupted,
              aborted, latency_sum_ms, latency_buckets, input_tokens, output_tokens, cost_micro_usd
         FROM call_rollups_minute
        WHERE minute >= $1 AND route = ANY($2::text[])`,
      [new Date(sinceMs), routes],
    );
    const byRoute = new Map<string, RollupInput[]>();
    for (const r of rows) {
      const list = byRoute.get(r.route) ?? [];
      list.push({
        deploymentId: r.deployment_id,
        minute: r.minute.getTime(),
        attempts: r.attempts,
        outcomes: {
          success: r.successes,
          caller_error: r.caller_errors,
          rate_limited: r.rate_limited,
          server_error: r.server_errors,
          timeout: r.timeouts,
          connection_error: r.connection_errors,
          malformed: r.malformed,
          misconfigured: r.misconfigured,
          interrupted: r.interrupted,
          aborted: r.aborted,
        },
        latencySumMs: Number(r.latency_sum_ms),
        latencyBuckets: r.latency_buckets,
        inputTokens: Number(r.input_tokens),
        outputTokens: Number(r.output_tokens),
        costMicroUsd: Number(r.cost_micro_usd),
      });
      byRoute.set(r.route, list);
    }
    return byRoute;
  }
}
