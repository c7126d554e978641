import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { OverridesService } from './overrides.service.js';
import { OVERRIDES } from './overrides.state.js';
import { SnapshotWeightSource } from './snapshot-weight.source.js';
import { WEIGHT_SOURCE } from './weight-source.js';
import { WeightsJobService } from './weights-job.service.js';

/**
 * Schedules the weights job every `WEIGHTS_INTERVAL_MS`. The timer callback only checks that
 * the previous run finished and delegates to the service.
 */
@Injectable()
export class WeightsJobScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WeightsJob');
  private running = false;

  constructor(
    private readonly job: WeightsJobService,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(
      'weights',
      setInterval(() => this.tick(), this.config.WEIGHTS_INTERVAL_MS),
    );
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', 'weights')) this.scheduler.deleteInterval('weights');
    await this.job.lease.release();
  }

  tick(): void {
    if (this.running) return;
    this.running = true;
    this.job
      .runOnce()
      .catch((error: unknown) =>
        this.logger.error(`weights run failed: ${(error as Error).message}`),
      )
      .finally(() => {
        this.running = false;
      });
  }
}

/** Adaptive weights: overrides, the snapshot source for the hot path, and the leader-only job. */
@Module({
  imports: [CatalogModule],
  providers: [
    OverridesService,
    { provide: OVERRIDES, useExisting: OverridesService },
    SnapshotWeightSource,
    { provide: WEIGHT_SOURCE, useExisting: SnapshotWeightSource },
    WeightsJobService,
    WeightsJobScheduler,
  ],
  exports: [OVERRIDES, OverridesService, WEIGHT_SOURCE, SnapshotWeightSource, WeightsJobService],
})
export class WeightsModule {}
