import { Inject, Injectable } from '@nestjs/common';
import {
  MAX_HISTORY_POINTS,
  type AuditEntry,
  type CreateOverrideBody,
  type DeploymentWeightView,
  type Override,
  type Page,
  type RouteWeightsView,
  type WeightHistory,
} from '@stilts/admin-contract';
import type { Clock } from '@stilts/routing';
import { DomainError } from '../../../common/errors/domain-error.js';
import { CLOCK } from '../../../common/time/system-clock.js';
import { CatalogService } from '../../catalog/catalog.service.js';
import type { ResolvedRoute } from '../../catalog/resolved-catalog.js';
import { DatabaseService } from '../../database/database.service.js';
import { OverridesService } from '../../weights/overrides.service.js';
import type { StoredOverride } from '../../weights/overrides.repository.js';
import {
  applyPins,
  type ActiveOverrides,
  type OverrideKind,
} from '../../weights/route-override.js';
import { SnapshotWeightSource } from '../../weights/snapshot-weight.source.js';
import type { WeightSnapshot } from '../../weights/weight-snapshots.repository.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { actorOf, type AdminPrincipal } from '../auth/admin-principal.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { WeightsAdminRepository, type OverrideRow } from './weights-admin.repository.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function overrideDto(o: StoredOverride, nowMs: number): Override {
  return {
    id: o.id,
    kind: o.kind,
    route: o.route,
    deploymentId: o.deploymentId,
    weight: o.weight,
    actor: o.actor,
    reason: o.reason,
    createdAt: new Date(o.createdAt).toISOString(),
    expiresAt: iso(o.expiresAt),
    revokedAt: iso(o.revokedAt),
    revokedBy: o.revokedBy,
    active: o.revokedAt === null && (o.expiresAt === null || o.expiresAt > nowMs),
  };
}

function overrideRowDto(r: OverrideRow): Override {
  return {
    id: r.id,
    kind: r.kind,
    route: r.route,
    deploymentId: r.deployment_id,
    weight: r.weight,
    actor: r.actor,
    reason: r.reason,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
    revokedBy: r.revoked_by,
    active: r.active,
  };
}

/** Shares that sum to 1 (all zero stays all zero). */
function normalise(weights: Map<string, number>): Map<string, number> {
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  if (!(total > 0)) return weights;
  return new Map([...weights].map(([id, w]) => [id, w / total]));
}

/**
 * The weights, the overrides and the audit log for the admin API. Reads the same in-memory
 * snapshot and overrides the hot path uses (so "effective weight" is what requests are drawn
 * by on this replica), and writes overrides through `OverridesService`, which audits them and
 * NOTIFYs every replica (applied within a second).
 */
@Injectable()
export class WeightsAdminService {
  private readonly repository: WeightsAdminRepository;
  private readonly audit: AuditRepository;

  constructor(
    database: DatabaseService,
    private readonly catalog: CatalogService,
    private readonly snapshots: SnapshotWeightSource,
    private readonly overrides: OverridesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.repository = new WeightsAdminRepository(database.dataSource);
    this.audit = new AuditRepository(database.dataSource);
  }

  /** Every enabled route's current weights. */
  current(): RouteWeightsView[] {
    const byRoute = new Map(this.snapshots.current().map((s) => [s.route, s]));
    const overrides = this.overrides.current;
    return [...this.catalog.current.routes()].map((route) =>
      this.routeView(route, byRoute.get(route.name), overrides),
    );
  }

  async history(
    route: string,
    query: { from: string; to: string; points: number },
  ): Promise<WeightHistory> {
    if (!this.catalog.current.route(route)) {
      throw new DomainError(404, 'route_not_found', `No route named ${route}.`);
    }
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    const { total, rows } = await this.repository.history(
      route,
      from,
      to,
      Math.min(query.points, MAX_HISTORY_POINTS),
    );
    return {
      route,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      total,
      downsampled: rows.length < total,
      points: rows.map((r) => ({
        at: r.computed_at.toISOString(),
        version: Number(r.id),
        lambda: r.lambda,
        weights: r.weights,
      })),
    };
  }

  async listOverrides(query: {
    status: 'active' | 'all';
    route?: string | undefined;
    deploymentId?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  }): Promise<Page<Override>> {
    const beforeId = query.cursor ? decodeCursor(query.cursor, ['string'])[0] : undefined;
    const rows = await this.repository.overrides({
      activeOnly: query.status === 'active',
      route: query.route,
      deploymentId: query.deploymentId,
      beforeId,
      limit: query.limit,
    });
    const last = rows[rows.length - 1];
    return {
      items: rows.map(overrideRowDto),
      nextCursor: rows.length === query.limit && last ? encodeCursor([last.id]) : null,
    };
  }

  async createOverride(body: CreateOverrideBody, by: AdminPrincipal): Promise<Override> {
    const created = await this.overrides.create(body, actorOf(by));
    return overrideDto(created, this.clock.now());
  }

  async revokeOverride(id: string, reason: string, by: AdminPrincipal): Promise<Override> {
    const revoked = await this.overrides.revoke(id, actorOf(by), reason);
    return overrideDto(revoked, this.clock.now());
  }

  /** Revokes every active override of `kind` on exactly this route/deployment. */
  async releaseOverrides(
    target: {
      kind: OverrideKind;
      route?: string | null | undefined;
      deploymentId?: string | null | undefined;
      reason: string;
    },
    by: AdminPrincipal,
  ): Promise<Override[]> {
    const matching = this.overrides
      .active()
      .filter(
        (o) =>
          o.kind === target.kind &&
          o.route === (target.route ?? null) &&
          o.deploymentId === (target.deploymentId ?? null),
      );
    if (matching.length === 0) {
      throw new DomainError(
        404,
        'override_not_found',
        `No active ${target.kind} override on ${[target.route, target.deploymentId].filter(Boolean).join('/') || 'that target'}.`,
      );
    }
    const released: Override[] = [];
    for (const o of matching) {
      released.push(
        overrideDto(
          await this.overrides.revoke(o.id, actorOf(by), target.reason),
          this.clock.now(),
        ),
      );
    }
    return released;
  }

  async listAudit(query: {
    actor?: string | undefined;
    action?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  }): Promise<Page<AuditEntry>> {
    const beforeId = query.cursor ? decodeCursor(query.cursor, ['string'])[0] : undefined;
    const rows = await this.audit.list({
      actor: query.actor,
      action: query.action,
      fromMs: query.from === undefined ? undefined : Date.parse(query.from),
      toMs: query.to === undefined ? undefined : Date.parse(query.to),
      beforeId,
      limit: query.limit,
    });
    const last = rows[rows.length - 1];
    return {
      items: rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor: r.actor,
        action: r.action,
        target: r.target,
        reason: r.reason,
        details: { ...r.details },
      })),
      nextCursor: rows.length === query.limit && last ? encodeCursor([last.id]) : null,
    };
  }

  private routeView(
    route: ResolvedRoute,
    snapshot: WeightSnapshot | undefined,
    overrides: ActiveOverrides,
  ): RouteWeightsView {
    const adaptive = route.definition.strategy === 'adaptive';
    const useSnapshot = adaptive && snapshot !== undefined;
    const view = overrides.forRoute(route.name);
    const base = new Map<string, number>();
    for (const m of route.members) {
      const id = m.deployment.id;
      const usable =
        m.deployment.enabled && m.provider.enabled && !overrides.isDisabled(route.name, id);
      const weight = useSnapshot ? (snapshot.weights[id] ?? 1 / route.members.length) : m.weight;
      if (usable) base.set(id, weight);
    }
    const effective = normalise(applyPins(base, view.pins));
    const byDeployment = new Map(
      (useSnapshot ? snapshot.deployments : []).map((d) => [d.deploymentId, d]),
    );
    const configured = normalise(new Map(route.members.map((m) => [m.deployment.id, m.weight])));
    const deployments: DeploymentWeightView[] = route.members.map((m) => {
      const id = m.deployment.id;
      const d = byDeployment.get(id);
      return {
        deploymentId: id,
        status: d?.status ?? (m.deployment.enabled && m.provider.enabled ? 'eligible' : 'disabled'),
        weight: d?.weight ?? configured.get(id) ?? 0,
        effectiveWeight: effective.get(id) ?? 0,
        winShare: d?.winShare ?? 0,
        floor: d?.floor ?? 0,
        posterior: d?.posterior ?? null,
        changeAt: iso(d?.changeAtMs ?? null),
        reason:
          d?.reason ??
          (useSnapshot ? 'not in the snapshot yet: an even share' : 'configured weight'),
        pinnedWeight: view.pins.get(id) ?? null,
        disabledByOverride: overrides.isDisabled(route.name, id),
      };
    });
    return {
      route: route.name,
      strategy: route.definition.strategy,
      source: useSnapshot ? 'snapshot' : 'configured',
      snapshot: useSnapshot
        ? {
            version: snapshot.version,
            computedAt: new Date(snapshot.computedAt).toISOString(),
            computedBy: snapshot.computedBy,
            lambda: snapshot.lambda,
            pacing: snapshot.pacing,
          }
        : null,
      frozen: view.frozen,
      deployments,
    };
  }
}
