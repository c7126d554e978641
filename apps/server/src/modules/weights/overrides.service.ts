import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Clock } from '@stilts/routing';
import { createOverrideBodySchema } from '@stilts/admin-contract';
import { DomainError, validationError } from '../../common/errors/domain-error.js';
import { CLOCK } from '../../common/time/system-clock.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { DatabaseService } from '../database/database.service.js';
import { DeploymentHealthRegistry } from '../gateway/deployment-health.js';
import type { OverridesState } from './overrides.state.js';
import { OverridesRepository, type StoredOverride } from './overrides.repository.js';
import { ActiveOverrides } from './route-override.js';

/** How often replicas re-read overrides without a NOTIFY (a safety net). */
const POLL_MS = 30_000;

/**
 * Operators' overrides of routing: created and revoked here (each with an actor, a reason, an
 * optional expiry and an audit row), held in memory for the hot path, and kept current on
 * every replica within a second through NOTIFY (with a slow poll as a safety net, and a timer
 * at the next expiry). Forced breaker states are pushed into this replica's health registry.
 */
@Injectable()
export class OverridesService implements OverridesState, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OverridesService.name);
  private readonly repository: OverridesRepository;
  current: ActiveOverrides = ActiveOverrides.NONE;
  private stops: (() => void)[] = [];
  private expiryTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;

  constructor(
    private readonly database: DatabaseService,
    private readonly catalog: CatalogService,
    private readonly health: DeploymentHealthRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.repository = new OverridesRepository(database.dataSource);
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    const unlisten = await this.database.listen(this.database.channel('overrides'), () =>
      this.reloadQuietly(),
    );
    const poll = setInterval(() => this.reloadQuietly(), POLL_MS);
    poll.unref();
    this.stops = [() => void unlisten(), () => clearInterval(poll)];
  }

  onApplicationShutdown(): void {
    for (const stop of this.stops) stop();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
  }

  /** Re-reads the active overrides and swaps them in. Concurrent calls share one read. */
  reload(): Promise<void> {
    this.reloading ??= (async () => {
      try {
        const now = this.clock.now();
        this.swap(new ActiveOverrides(await this.repository.active(now), now));
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  /** The overrides in force (not revoked, not expired). */
  active(): readonly StoredOverride[] {
    return this.current.all as readonly StoredOverride[];
  }

  /** Creates an override from operator input; validated against the schema and the catalog. */
  async create(input: unknown, actor: string): Promise<StoredOverride> {
    const parsed = createOverrideBodySchema.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error.issues, 'override');
    const o = parsed.data;
    const catalog = this.catalog.current;
    if (o.route && !catalog.route(o.route)) {
      throw new DomainError(404, 'route_not_found', `No route named ${o.route}.`);
    }
    if (o.deploymentId) {
      if (!catalog.deployment(o.deploymentId)) {
        throw new DomainError(
          404,
          'deployment_not_found',
          `No deployment named ${o.deploymentId}.`,
        );
      }
      if (
        o.route &&
        !catalog.route(o.route)?.members.some((m) => m.deployment.id === o.deploymentId)
      ) {
        throw new DomainError(
          400,
          'not_a_member',
          `${o.deploymentId} is not a deployment of route ${o.route}.`,
        );
      }
    }
    const expiresAt = o.expiresAt ? Date.parse(o.expiresAt) : null;
    if (expiresAt !== null && expiresAt <= this.clock.now()) {
      throw validationError(
        [{ path: ['expiresAt'], message: 'must be in the future' }],
        'override',
      );
    }
    const created = await this.repository.create({
      kind: o.kind,
      route: o.route ?? null,
      deploymentId: o.deploymentId ?? null,
      weight: o.weight ?? null,
      actor,
      reason: o.reason,
      expiresAt,
    });
    this.logger.log(`override ${created.id} (${created.kind}) created by ${actor}: ${o.reason}`);
    await this.broadcast();
    return created;
  }

  /** Revokes an active override. */
  async revoke(id: string, actor: string, reason: string): Promise<StoredOverride> {
    if (!/^\d{1,18}$/.test(id))
      throw new DomainError(404, 'override_not_found', `No override ${id}.`);
    if (reason.trim().length < 3) {
      throw validationError(
        [{ path: ['reason'], message: 'say why (at least 3 characters)' }],
        'revocation',
      );
    }
    const revoked = await this.repository.revoke(id, actor, reason.trim());
    if (!revoked) {
      const existing = await this.repository.get(id);
      if (!existing) throw new DomainError(404, 'override_not_found', `No override ${id}.`);
      throw new DomainError(409, 'override_not_active', `Override ${id} was already revoked.`);
    }
    this.logger.log(`override ${id} revoked by ${actor}: ${reason}`);
    await this.broadcast();
    return revoked;
  }

  /** Applies locally at once, and tells the other replicas. */
  private async broadcast(): Promise<void> {
    await this.reload();
    await this.database.notify(this.database.channel('overrides'));
  }

  private reloadQuietly(): void {
    this.reload().catch((error: unknown) => {
      this.logger.warn(
        `could not reload overrides (keeping the current ones): ${(error as Error).message}`,
      );
    });
  }

  private swap(next: ActiveOverrides): void {
    this.current = next;
    this.health.applyForcedStates(next.forcedBreakers());
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (next.nextExpiry !== null) {
      const delay = Math.max(0, next.nextExpiry - this.clock.now()) + 5;
      // setTimeout's limit is ~24.8 days; a later expiry is picked up by a poll meanwhile.
      this.expiryTimer = setTimeout(() => this.reloadQuietly(), Math.min(delay, 2 ** 31 - 1));
      this.expiryTimer.unref();
    }
  }
}
