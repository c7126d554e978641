import { type DynamicModule, Global, type LoggerService, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import type { Clock, Rng } from '@stilts/routing';
import type { AppConfig } from './config/app-config.js';
import { APP_CONFIG } from './config/config.tokens.js';
import { CLOCK, processRng, RNG, systemClock } from './common/time/system-clock.js';
import {
  CALL_RECORDER,
  InMemoryCallRecorder,
  type CallRecorder,
} from './modules/calls/call-record.js';
import { CallsModule } from './modules/calls/calls.module.js';
import { CATALOG_SOURCE, type CatalogSource } from './modules/catalog/catalog.service.js';
import type { CatalogDefinition, SecretResolver } from './modules/catalog/catalog.types.js';
import { DatabaseCatalogSource } from './modules/catalog/database-catalog.source.js';
import { secretCipherFrom } from './modules/catalog/secret-cipher.js';
import { AdminModule } from './modules/admin/admin.module.js';
import { DatabaseModule, databaseOptionsFrom } from './modules/database/database.module.js';
import { DatabaseService } from './modules/database/database.service.js';
import { DeploymentHealthRegistry } from './modules/gateway/deployment-health.js';
import { GatewayModule } from './modules/gateway/gateway.module.js';
import type { GatewayObserver } from './modules/gateway/gateway-observer.js';
import { TelemetryModule, type TelemetryOptions } from './modules/telemetry/telemetry.module.js';
import {
  OVERRIDES,
  StaticOverrides,
  type OverridesState,
} from './modules/weights/overrides.state.js';
import { WeightsModule } from './modules/weights/weights.module.js';
import { BUDGET_GATE, NO_BUDGETS } from './modules/budgets/budget-gate.js';
import { BudgetsModule } from './modules/budgets/budgets.module.js';
import { API_KEY_AUTH, NO_API_KEY_AUTH } from './modules/keys/api-key-auth.js';
import { KeyRateLimiter } from './modules/keys/key-rate-limiter.js';
import { KeysModule } from './modules/keys/keys.module.js';
import {
  ConfiguredWeightSource,
  WEIGHT_SOURCE,
  type WeightSource,
} from './modules/weights/weight-source.js';

/** Production storage: PostgreSQL holds the catalog and the call ledger. */
export interface DatabaseStorage {
  readonly kind: 'database';
  /** PostgreSQL URL (from `resolveDatabase`); the schema is `config.DATABASE_SCHEMA`. */
  readonly url: string;
  /** What to seed the catalog tables with on start (config file, environment or simulator). */
  readonly catalogSeed: CatalogDefinition | undefined;
  /** Resolves providers' `apiKeyEnv` names to keys. */
  readonly secrets: SecretResolver;
}

/** Storage for tests of the HTTP surface: a fixed catalog, records kept in memory. */
export interface MemoryStorage {
  readonly kind: 'memory';
  readonly catalogSource: CatalogSource;
  readonly recorder?: CallRecorder;
  readonly overrides?: OverridesState;
}

/** What the application is built from; tests replace any of the optional parts. */
export interface AppDependencies {
  readonly config: AppConfig;
  readonly storage: DatabaseStorage | MemoryStorage;
  /** Memory storage only: the weights to route by (default: the configured ones). */
  readonly weightSource?: WeightSource;
  readonly clock?: Clock;
  readonly rng?: Rng;
  readonly logger?: LoggerService;
  /** Replaces the gateway's observer (default: the telemetry module's metrics and traces). */
  readonly observer?: GatewayObserver;
  /** Where spans go (default: nowhere; `startTracingFromEnv` builds the OTLP one). */
  readonly tracing?: TelemetryOptions['tracing'];
  /** Database storage only: the built dashboard served at /admin (default: apps/admin/dist). */
  readonly dashboardDir?: string;
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
      { provide: KeyRateLimiter, useValue: new KeyRateLimiter(deps.clock ?? systemClock) },
      {
        provide: DeploymentHealthRegistry,
        useValue: new DeploymentHealthRegistry(deps.clock ?? systemClock, {
          consecutiveFailures: deps.config.BREAKER_CONSECUTIVE_FAILURES,
          cooldownMs: deps.config.BREAKER_COOLDOWN_MS,
        }),
      },
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}

/** The catalog and the recorder without a database. */
@Global()
@Module({})
class MemoryStorageModule {
  static forRoot(storage: MemoryStorage, weightSource: WeightSource | undefined): DynamicModule {
    const providers = [
      { provide: CATALOG_SOURCE, useValue: storage.catalogSource },
      { provide: CALL_RECORDER, useValue: storage.recorder ?? new InMemoryCallRecorder(10_000) },
      { provide: WEIGHT_SOURCE, useValue: weightSource ?? new ConfiguredWeightSource() },
      { provide: OVERRIDES, useValue: storage.overrides ?? new StaticOverrides() },
      // Memory mode is for tests of the HTTP surface: no API keys, no budgets.
      { provide: API_KEY_AUTH, useValue: NO_API_KEY_AUTH },
      { provide: BUDGET_GATE, useValue: NO_BUDGETS },
    ];
    return { module: MemoryStorageModule, providers, exports: providers.map((p) => p.provide) };
  }
}

/** The catalog from PostgreSQL (seeded on start) and the Postgres call ledger. */
@Global()
@Module({})
class DatabaseStorageModule {
  static forRoot(config: AppConfig, storage: DatabaseStorage): DynamicModule {
    return {
      module: DatabaseStorageModule,
      imports: [
        DatabaseModule.forRoot(databaseOptionsFrom(config, storage.url)),
        ScheduleModule.forRoot(),
        CallsModule.forRoot({ recording: config.CALL_RECORDING === 'on' }),
        WeightsModule,
        KeysModule,
        BudgetsModule,
        AdminModule,
      ],
      providers: [
        {
          provide: CATALOG_SOURCE,
          inject: [DatabaseService],
          useFactory: (database: DatabaseService) =>
            new DatabaseCatalogSource(
              database,
              storage.secrets,
              storage.catalogSeed,
              secretCipherFrom(config),
            ),
        },
      ],
      exports: [CATALOG_SOURCE, CallsModule, WeightsModule, KeysModule, BudgetsModule],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(deps: AppDependencies): DynamicModule {
    const storage =
      deps.storage.kind === 'database'
        ? DatabaseStorageModule.forRoot(deps.config, deps.storage)
        : MemoryStorageModule.forRoot(deps.storage, deps.weightSource);
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(deps),
        storage,
        GatewayModule,
        TelemetryModule.forRoot({ tracing: deps.tracing, observer: deps.observer }),
      ],
    };
  }
}
