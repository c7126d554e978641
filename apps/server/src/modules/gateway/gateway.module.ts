import { Module } from '@nestjs/common';
import type { Rng } from '@stilts/routing';
import { APP_CONFIG } from '../../config/config.tokens.js';
import type { AppConfig } from '../../config/app-config.js';
import { RNG } from '../../common/time/system-clock.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { UpstreamClient } from '../providers/upstream-client.js';
import { OVERRIDES, type OverridesState } from '../weights/overrides.state.js';
import { WEIGHT_SOURCE, type WeightSource } from '../weights/weight-source.js';
import { ChatCompletionsController } from './chat-completions.controller.js';
import { DeploymentHealthRegistry } from './deployment-health.js';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options.js';
import { GatewayService } from './gateway.service.js';
import { RoutePlanner } from './route-planner.js';

@Module({
  imports: [CatalogModule],
  controllers: [ChatCompletionsController],
  providers: [
    GatewayService,
    UpstreamClient,
    {
      provide: GATEWAY_OPTIONS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): GatewayOptions => ({
        maxAttempts: config.MAX_ATTEMPTS,
        backoff: { baseMs: 50, capMs: 2_000 },
        maxRetryAfterMs: 30_000,
        streamIdleTimeoutMs: config.STREAM_IDLE_TIMEOUT_MS,
        defaultMaxOutputTokens: config.BUDGET_DEFAULT_MAX_OUTPUT_TOKENS,
        startedAt: Math.floor(Date.now() / 1000),
      }),
    },
    {
      provide: RoutePlanner,
      inject: [WEIGHT_SOURCE, OVERRIDES, DeploymentHealthRegistry, RNG],
      useFactory: (
        weights: WeightSource,
        overrides: OverridesState,
        health: DeploymentHealthRegistry,
        rng: Rng,
      ) => new RoutePlanner(weights, overrides, health, rng),
    },
  ],
  exports: [GatewayService, RoutePlanner],
})
export class GatewayModule {}
