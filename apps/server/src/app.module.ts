import { type DynamicModule, Global, type LoggerService, Module } from '@nestjs/common';
import type { Clock, Rng } from '@stilts/routing';
import type { AppConfig } from './config/app-config.js';
import { APP_CONFIG } from './config/config.tokens.js';
import { CLOCK, processRng, RNG, systemClock } from './common/time/system-clock.js';
import {
  CALL_RECORDER,
  InMemoryCallRecorder,
  type CallRecorder,
} from './modules/calls/call-record.js';
import { CATALOG_SOURCE, type CatalogSource } from './modules/catalog/catalog.service.js';
import { GatewayModule } from './modules/gateway/gateway.module.js';
import {
  ConfiguredWeightSource,
  WEIGHT_SOURCE,
  type WeightSource,
} from './modules/weights/weight-source.js';

/** What the application is built from; tests replace any of the optional parts. */
export interface AppDependencies {
  readonly config: AppConfig;
  readonly catalogSource: CatalogSource;
  readonly recorder?: CallRecorder;
  readonly weightSource?: WeightSource;
  readonly clock?: Clock;
  readonly rng?: Rng;
  readonly logger?: LoggerService;
}

/** Process-wide singletons every module may inject. */
@Global()
@Module({})
class CoreModule {
  static forRoot(deps: AppDependencies): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: deps.config },
      { provide: CLOCK, useValue: deps.clock ?? systemClock },
      { provide: RNG, useValue: deps.rng ?? processRng() },
      { provide: CATALOG_SOURCE, useValue: deps.catalogSource },
      { provide: CALL_RECORDER, useValue: deps.recorder ?? new InMemoryCallRecorder(10_000) },
      { provide: WEIGHT_SOURCE, useValue: deps.weightSource ?? new ConfiguredWeightSource() },
    ];
    return {
      module: CoreModule,
      providers,
      exports: providers.map((p) => p.provide),
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(deps: AppDependencies): DynamicModule {
    return { module: AppModule, imports: [CoreModule.forRoot(deps), GatewayModule] };
  }
}
