import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { BreakerState, LiveState, ReplicaState } from '@stilts/admin-contract';
import type { Clock } from '@stilts/routing';
import { CLOCK } from '../../../common/time/system-clock.js';
import type { AppConfig } from '../../../config/app-config.js';
import { APP_CONFIG } from '../../../config/config.tokens.js';
import { CatalogService } from '../../catalog/catalog.service.js';
import { DatabaseService } from '../../database/database.service.js';
import { DeploymentHealthRegistry } from '../../gateway/deployment-health.js';
import { ReplicaStateRepository } from './replica-state.repository.js';

/** How often each replica publishes its breakers and heartbeat. */
export const PUBLISH_INTERVAL_MS = 5_000;
/** A replica silent for longer than this is shown as stale. */
export const STALE_AFTER_MS = 30_000;
/** Rows silent for longer than this are deleted. */
const PRUNE_AFTER_MS = 60 * 60 * 1000;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The live state of the circuit breakers. Breakers are per replica, so each replica publishes
 * its own (per deployment: state, forced state, pause) with a heartbeat to `replica_state`
 * every 5 s; `GET /live` answers with every replica's row, this replica's straight from memory.
 */
@Injectable()
export class LiveService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LiveState');
  private readonly repository: ReplicaStateRepository;
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private publishing = false;
  private ticks = 0;

  constructor(
    private readonly database: DatabaseService,
    private readonly catalog: CatalogService,
    private readonly health: DeploymentHealthRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.repository = new ReplicaStateRepository(database.dataSource);
    this.startedAt = clock.now();
  }

  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), PUBLISH_INTERVAL_MS);
    this.timer.unref();
    // A replica that stops cleanly leaves no stale row behind.
    this.database.registerShutdownTask('replica-state', async () => {
      if (this.timer) clearInterval(this.timer);
      await this.repository.remove(this.config.REPLICA_ID).catch(() => undefined);
    });
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** This replica's breakers, per deployment of the catalog, from memory. */
  localBreakers(): BreakerState[] {
    const now = this.clock.now();
    return this.catalog.current.definition.deployments.map((d) => {
      const h = this.health.get(d.id);
      const state = h.state;
      return {
        deploymentId: d.id,
        state: state.kind,
        forced: h.forced ?? null,
        available: h.isAvailable(),
        pausedUntil: h.pausedUntil > now ? iso(h.pausedUntil) : null,
        consecutiveFailures: state.kind === 'closed' ? state.consecutiveFailures : 0,
        trips: state.trips,
        retryAt: state.kind === 'open' ? iso(state.openedAt + state.cooldownMs) : null,
      };
    });
  }

  async state(): Promise<LiveState> {
    const now = this.clock.now();
    const self = this.config.REPLICA_ID;
    const rows = await this.repository.all();
    const replicas: ReplicaState[] = rows
      .filter((r) => r.replica_id !== self)
      .map((r) => ({
        replicaId: r.replica_id,
        self: false,
        startedAt: r.started_at.toISOString(),
        heartbeatAt: r.heartbeat_at.toISOString(),
        stale: now - r.heartbeat_at.getTime() > STALE_AFTER_MS,
        deployments: r.deployments,
      }));
    replicas.unshift({
      replicaId: self,
      self: true,
      startedAt: new Date(this.startedAt).toISOString(),
      heartbeatAt: new Date(now).toISOString(),
      stale: false,
      deployments: this.localBreakers(),
    });
    return {
      at: new Date(now).toISOString(),
      staleAfterSeconds: STALE_AFTER_MS / 1000,
      replicas,
    };
  }

  /** Publishes now (also used by tests). */
  async publish(): Promise<void> {
    await this.repository.publish(
      this.config.REPLICA_ID,
      new Date(this.startedAt),
      this.localBreakers(),
    );
    if (++this.ticks % 60 === 1) await this.repository.prune(this.clock.now() - PRUNE_AFTER_MS);
  }

  private tick(): void {
    if (this.publishing) return;
    this.publishing = true;
    this.publish()
      .catch((error: unknown) =>
        this.logger.warn(`could not publish the live state: ${(error as Error).message}`),
      )
      .finally(() => {
        this.publishing = false;
      });
  }
}
