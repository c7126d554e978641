import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ResolvedRoute } from '../catalog/resolved-catalog.js';
import { DatabaseService } from '../database/database.service.js';
import { WeightSnapshotsRepository, type WeightSnapshot } from './weight-snapshots.repository.js';
import type { RouteWeights, WeightSource } from './weight-source.js';

/** How often replicas re-read snapshots without a NOTIFY (a safety net). */
const POLL_MS = 10_000;

const CONFIGURED: RouteWeights = { version: null, weightOf: () => undefined };

/**
 * The bandit's weights on the hot path: the newest snapshot of each route, held in memory and
 * swapped as one map when the weights job NOTIFYs (every replica within a second), with a poll
 * as a safety net. A deployment the snapshot does not know yet (added since) gets an even share.
 */
@Injectable()
export class SnapshotWeightSource implements WeightSource, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SnapshotWeightSource.name);
  private readonly repository: WeightSnapshotsRepository;
  private byRoute: ReadonlyMap<string, RouteWeights & { readonly snapshot: WeightSnapshot }> =
    new Map();
  private stops: (() => void)[] = [];
  private reloading: Promise<void> | undefined;
  private again = false;

  constructor(private readonly database: DatabaseService) {
    this.repository = new WeightSnapshotsRepository(database.dataSource);
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    const unlisten = await this.database.listen(this.database.channel('weights'), () =>
      this.reloadQuietly(),
    );
    const poll = setInterval(() => this.reloadQuietly(), POLL_MS);
    poll.unref();
    this.stops = [() => void unlisten(), () => clearInterval(poll)];
  }

  onApplicationShutdown(): void {
    for (const stop of this.stops) stop();
  }

  weightsFor(route: ResolvedRoute): RouteWeights {
    return this.byRoute.get(route.name) ?? CONFIGURED;
  }

  /** The snapshot each route is using now. */
  current(): WeightSnapshot[] {
    return [...this.byRoute.values()].map((w) => w.snapshot);
  }

  /** Re-reads the newest snapshots; a call during a read schedules one more. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.again = false;
          this.swap(await this.repository.latest());
        } while (this.again);
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  private swap(snapshots: readonly WeightSnapshot[]): void {
    const next = new Map<string, RouteWeights & { snapshot: WeightSnapshot }>();
    for (const snapshot of snapshots) {
      const weights = new Map(Object.entries(snapshot.weights));
      const evenShare = 1 / Math.max(1, weights.size);
      next.set(snapshot.route, {
        version: snapshot.version,
        snapshot,
        weightOf: (id) => weights.get(id) ?? evenShare,
      });
    }
    this.byRoute = next;
  }

  private reloadQuietly(): void {
    this.reload().catch((error: unknown) => {
      this.logger.warn(
        `could not reload weight snapshots (keeping the current ones): ${(error as Error).message}`,
      );
    });
  }
}
