import type { DataSource } from 'typeorm';
import type { OverrideKind, RouteOverride } from './route-override.js';

interface OverrideRow {
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
}

/** An override with its history, for listings. */
export interface StoredOverride extends RouteOverride {
  readonly revokedAt: number | null;
  readonly revokedBy: string | null;
}

function fromRow(r: OverrideRow): StoredOverride {
  return {
    id: r.id,
    kind: r.kind,
    route: r.route,
    deploymentId: r.deployment_id,
    weight: r.weight,
    actor: r.actor,
    reason: r.reason,
    createdAt: r.created_at.getTime(),
    expiresAt: r.expires_at?.getTime() ?? null,
    revokedAt: r.revoked_at?.getTime() ?? null,
    revokedBy: r.revoked_by,
  };
}

const COLUMNS =
  'id, kind, route, deployment_id, weight, actor, reason, created_at, expires_at, revoked_at, revoked_by';

/** What creating an override needs. */
export interface NewOverride {
  readonly kind: OverrideKind;
  readonly route: string | null;
  readonly deploymentId: string | null;
  readonly weight: number | null;
  readonly actor: string;
  readonly reason: string;
  readonly expiresAt: number | null;
}

/** `route_overrides` and the audit rows that go with every change to it. */
export class OverridesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Overrides neither revoked nor expired at `nowMs`. */
  async active(nowMs: number): Promise<StoredOverride[]> {
    const rows = await this.dataSource.query<OverrideRow[]>(
      `SELECT ${COLUMNS} FROM route_overrides
        WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)
        ORDER BY created_at, id`,
      [new Date(nowMs)],
    );
    return rows.map(fromRow);
  }

  async get(id: string): Promise<StoredOverride | undefined> {
    const rows = await this.dataSource.query<OverrideRow[]>(
      `SELECT ${COLUMNS} FROM route_overrides WHERE id = $1`,
      [id],
    );
    return rows[0] && fromRow(rows[0]);
  }

  /** Inserts the override and its audit row in one transaction. */
  async create(input: NewOverride): Promise<StoredOverride> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<OverrideRow[]>(
        `INSERT INTO route_overrides (kind, route, deployment_id, weight, actor, reason, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING ${COLUMNS}`,
        [
          input.kind,
          input.route,
          input.deploymentId,
          input.weight,
          input.actor,
          input.reason,
          input.expiresAt === null ? null : new Date(input.expiresAt),
        ],
      );
      const created = fromRow(rows[0] as OverrideRow);
      await tx.query(
        `INSERT INTO audit_log (actor, action, target, reason, details) VALUES ($1, $2, $3, $4, $5)`,
        [
          input.actor,
          `override.${input.kind}`,
          targetOf(created),
          input.reason,
          JSON.stringify({
            overrideId: created.id,
            weight: input.weight,
            expiresAt: input.expiresAt,
          }),
        ],
      );
      return created;
    });
  }

  /** Revokes an active override (and audits it); undefined when it does not exist or is not active. */
  async revoke(id: string, actor: string, reason: string): Promise<StoredOverride | undefined> {
    return this.dataSource.transaction(async (tx) => {
      // Wrapped in a SELECT: TypeORM returns [rows, count] for a bare UPDATE.
      const rows = await tx.query<OverrideRow[]>(
        `WITH revoked AS (
           UPDATE route_overrides SET revoked_at = now(), revoked_by = $2
            WHERE id = $1 AND revoked_at IS NULL
            RETURNING ${COLUMNS})
         SELECT * FROM revoked`,
        [id, actor],
      );
      const updated = rows[0];
      if (!updated) return undefined;
      const revoked = fromRow(updated);
      await tx.query(
        `INSERT INTO audit_log (actor, action, target, reason, details) VALUES ($1, $2, $3, $4, $5)`,
        [
          actor,
          `override.revoke`,
          targetOf(revoked),
          reason,
          JSON.stringify({ overrideId: id, kind: revoked.kind }),
        ],
      );
      return revoked;
    });
  }
}

/** `route/deployment`, `route` or `deployment`: what an override is about, for the audit log. */
export function targetOf(o: Pick<RouteOverride, 'route' | 'deploymentId'>): string {
  return [o.route, o.deploymentId].filter((x) => x !== null).join('/');
}
