import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  computeWeightsForRoutes,
  createSeededRng,
  resolveRouteObjective,
  rollupReadStartMs,
  type Clock,
  type RouteWeightsInput,
} from '@stilts/routing';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { CLOCK } from '../../common/time/system-clock.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { ResolvedRoute } from '../catalog/resolved-catalog.js';
import { DatabaseService } from '../database/database.service.js';
import { LeaderLease } from './leader-lease.js';
import { OVERRIDES, type OverridesState } from './overrides.state.js';
import { ROUTE_BUDGETS, type RouteBudgetSource } from './route-budget.source.js';
import { WeightSnapshotsRepository, type WeightSnapshot } from './weight-snapshots.repository.js';

/** What one run did, for logs and tests. */
export interface WeightsRunResult {
  readonly leader: boolean;
  readonly snapshots: readonly WeightSnapshot[];
  /** Adaptive routes skipped because an operator froze them. */
  readonly frozen: readonly string[];
  readonly durationMs: number;
}

const DAY_MS = 86_400_000;

/**
 * The weights job: on the leader replica only (the holder of an advisory-lock lease), reads
 * the adaptive routes' recent rollups, budget pressure and overrides, computes the bandit's
 * weights (`@stilts/routing`), writes one snapshot per route and NOTIFYs every replica.
 * Frozen routes keep their last snapshot; disabled and budget-blocked deployments get 0.
 */
@Injectable()
export class WeightsJobService {
  private readonly logger = new Logger(WeightsJobService.name);
  private readonly repository: WeightSnapshotsRepository;
  readonly lease: LeaderLease;
  private runs = 0;

  constructor(
    private readonly database: DatabaseService,
    private readonly catalog: CatalogService,
    @Inject(OVERRIDES) private readonly overrides: OverridesState,
    @Inject(ROUTE_BUDGETS) private readonly budgets: RouteBudgetSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.repository = new WeightSnapshotsRepository(database.dataSource);
    this.lease = new LeaderLease(
      () => database.createClient('stilts-weights-leader'),
      database.lockKey('weights_leader'),
      'the weights job',
    );
  }

  /** One run: compute and publish if this replica leads, else nothing. */
  async runOnce(): Promise<WeightsRunResult> {
    const started = performance.now();
    if (!(await this.lease.acquire())) {
      return { leader: false, snapshots: [], frozen: [], durationMs: performance.now() - started };
    }
    const now = this.clock.now();
    const overrides = this.overrides.current;
    const adaptive = [...this.catalog.current.routes()].filter(
      (r) => r.definition.strategy === 'adaptive',
    );
    const frozen = adaptive.filter((r) => overrides.forRoute(r.name).frozen).map((r) => r.name);
    const routes = adaptive.filter((r) => !overrides.forRoute(r.name).frozen);
    let snapshots: WeightSnapshot[] = [];
    if (routes.length > 0) {
      const inputs = await this.inputs(routes, now);
      const computed = computeWeightsForRoutes(inputs, createSeededRng(`weights:${now}`));
      snapshots = await this.repository.insert(computed, this.config.REPLICA_ID);
      await this.database.notify(this.database.channel('weights'));
    }
    if (++this.runs % 240 === 1) {
      const pruned = await this.repository.prune(
        now - this.config.WEIGHT_SNAPSHOT_RETENTION_DAYS * DAY_MS,
      );
      if (pruned > 0) this.logger.log(`pruned ${pruned} weight snapshots past retention`);
    }
    const durationMs = performance.now() - started;
    this.logger.debug(
      `computed weights for ${snapshots.length} routes in ${durationMs.toFixed(0)} ms`,
    );
    return { leader: true, snapshots, frozen, durationMs };
  }

  private async inputs(
    routes: readonly ResolvedRoute[],
    now: number,
  ): Promise<RouteWeightsInput[]> {
    const since = Math.min(
      ...routes.map((r) =>
        rollupReadStartMs(now, resolveRouteObjective(r.definition.objective).halfLifeMs),
      ),
    );
    const [rollups, budgets] = await Promise.all([
      this.repository.rollups(
        routes.map((r) => r.name),
        since,
      ),
      this.budgets.forRoutes(routes, now),
    ]);
    const overrides = this.overrides.current;
    return routes.map((route) => {
      const budget = budgets.get(route.name);
      return {
        routeId: route.name,
        nowMs: now,
        objective: route.definition.objective,
        budget: budget?.pace ?? null,
        rollups: rollups.get(route.name) ?? [],
        deployments: route.members.map((m) => ({
          deploymentId: m.deployment.id,
          price: m.deployment.price,
          enabled:
            m.deployment.enabled &&
            m.provider.enabled &&
            !overrides.isDisabled(route.name, m.deployment.id),
          budgetBlocked: budget?.blockedDeployments.has(m.deployment.id) ?? false,
        })),
      };
    });
  }
}
