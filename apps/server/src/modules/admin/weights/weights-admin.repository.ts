import type { DataSource } from 'typeorm';
import type { OverrideKind } from '../../weights/route-override.js';

/** A stored override with its history. */
export interface OverrideRow {
  id: string;
  kind: OverrideKind;
  route: string | null;
  deployment_id: string | null;
  weight: number | null;
  actor: string;
  reason: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  active: boolean;
}

/** One point of a route's weight history. */
export interface HistoryRow {
  id: string;
  computed_at: Date;
  lambda: number;
  weights: Record<string, number>;
}

/** The admin API's reads of `weight_snapshots` and `route_overrides`. */
export class WeightsAdminRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A route's snapshots in [from, to), downsampled to at most `points`: the range is cut into
   * `points` equal slices and the last snapshot of each slice is kept (one index range scan on
   * (route, computed_at)). Also returns how many snapshots the range holds.
   */
  async history(
    route: string,
    fromMs: number,
    toMs: number,
    points: number,
  ): Promise<{ total: number; rows: HistoryRow[] }> {
    const sliceMs = Math.max(1, Math.ceil((toMs - fromMs) / points));
    const rows = await this.dataSource.query<(HistoryRow & { total: string })[]>(
      `WITH r AS (
         SELECT id, computed_at, lambda, weights,
                floor(extract(epoch FROM computed_at - $2::timestamptz) * 1000 / $4)::bigint AS slice,
                count(*) OVER () AS total
           FROM weight_snapshots
          WHERE route = $1 AND computed_at >= $2 AND computed_at < $3)
       SELECT DISTINCT ON (slice) id, computed_at, lambda, weights, total
         FROM r ORDER BY slice, computed_at DESC, id DESC`,
      [route, new Date(fromMs), new Date(toMs), sliceMs],
    );
    return {
      total: Number(rows[0]?.total ?? 0),
      rows: rows.map(({ total: _total, ...r }) => r),
    };
  }

  /** Overrides newest first (by id), all or only the active ones, keyset on id. */
  async overrides(filter: {
    readonly activeOnly: boolean;
    readonly route?: string | undefined;
    readonly deploymentId?: string | undefined;
    readonly beforeId?: string | undefined;
    readonly limit: number;
  }): Promise<OverrideRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.activeOnly) {
      where.push('revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())');
    }
    if (filter.route !== undefined) add('route = ?', filter.route);
    if (filter.deploymentId !== undefined) add('deployment_id = ?', filter.deploymentId);
    if (filter.beforeId !== undefined) add('id < ?::bigint', filter.beforeId);
    params.push(filter.limit);
    return this.dataSource.query<OverrideRow[]>(
      `SELECT id::text AS id, kind, route, deployment_id, weight, actor, reason, created_at,
              expires_at, revoked_at, revoked_by,
              (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS active
         FROM route_overrides
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }
}
