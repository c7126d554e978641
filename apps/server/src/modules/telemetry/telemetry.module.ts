import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TracerProvider } from '@opentelemetry/api';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { CALL_RECORDER, type CallRecorder } from '../calls/call-record.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { DatabaseService } from '../database/database.service.js';
import { DeploymentHealthRegistry } from '../gateway/deployment-health.js';
import { GATEWAY_OBSERVER, type GatewayObserver } from '../gateway/gateway-observer.js';
import { OVERRIDES, type OverridesState } from '../weights/overrides.state.js';
import { WEIGHT_SOURCE, type WeightSource } from '../weights/weight-source.js';
import { AccessLog } from './access-log.js';
import { BUDGET_GAUGES, type BudgetGaugeSource } from './budget-gauges.js';
import { STILTS_VERSION } from './build-info.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { GatewayTelemetryObserver } from './gateway-telemetry.observer.js';
import { GatewayTracing } from './gateway-tracing.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { HttpTelemetry } from './http-telemetry.js';
import { LiveStateCollector } from './live-state.collector.js';
import { MetricRegistry } from './metric-registry.js';
import { MetricsController } from './metrics.controller.js';
import { ProcessMetrics } from './process-metrics.js';

/** How the application's telemetry is set up. */
export interface TelemetryOptions {
  /**
   * Where spans go: the OTLP provider from `startTracingFromEnv`, or an in-memory one in tests.
   * Absent: no spans are created (the caller's trace context is still forwarded upstream).
   */
  readonly tracing?: { readonly tracerProvider: TracerProvider } | undefined;
  /** Replaces the gateway observer (tests, benchmarks of the bare gateway). */
  readonly observer?: GatewayObserver | undefined;
}

/** The budgets module's gauge source, found at bootstrap without importing its module. */
@Injectable()
export class BudgetGaugeLookup implements OnApplicationBootstrap {
  private source: BudgetGaugeSource | undefined;

  constructor(@Inject(ModuleRef) private readonly moduleRef: ModuleRef) {}

  onApplicationBootstrap(): void {
    try {
      this.source = this.moduleRef.get<BudgetGaugeSource>(BUDGET_GAUGES, { strict: false });
    } catch {
      this.source = undefined; // no budgets module in this application
    }
  }

  get current(): BudgetGaugeSource | undefined {
    return this.source;
  }
}

/** Stops the telemetry's timers with the application. */
@Injectable()
class TelemetryLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(HttpTelemetry) private readonly http: HttpTelemetry,
    @Inject(ProcessMetrics) private readonly process: ProcessMetrics,
  ) {}

  onApplicationShutdown(): void {
    this.http.stop();
    this.process.stop();
  }
}

/**
 * Metrics (`/metrics`), traces (OpenTelemetry), the access log and health (`/health/live`,
 * `/health/ready`). Provides the gateway's observer under `GATEWAY_OBSERVER`.
 */
@Global()
@Module({})
export class TelemetryModule {
  static forRoot(options: TelemetryOptions = {}): DynamicModule {
    return {
      module: TelemetryModule,
      imports: [CatalogModule],
      controllers: [MetricsController, HealthController],
      providers: [
        { provide: MetricRegistry, useFactory: () => new MetricRegistry() },
        {
          provide: GatewayMetrics,
          inject: [MetricRegistry],
          useFactory: (registry: MetricRegistry) => new GatewayMetrics(registry),
        },
        {
          provide: AccessLog,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => new AccessLog(config.LOG_LEVEL),
        },
        {
          provide: HttpTelemetry,
          inject: [GatewayMetrics, AccessLog],
          useFactory: (metrics: GatewayMetrics, log: AccessLog) => new HttpTelemetry(metrics, log),
        },
        {
          provide: GatewayTelemetryObserver,
          inject: [GatewayMetrics, HttpTelemetry, AccessLog],
          useFactory: (metrics: GatewayMetrics, http: HttpTelemetry, log: AccessLog) =>
            new GatewayTelemetryObserver(
              metrics,
              http,
              options.tracing
                ? new GatewayTracing(
                    options.tracing.tracerProvider.getTracer('stilts', STILTS_VERSION),
                  )
                : undefined,
              log,
            ),
        },
        {
          provide: GATEWAY_OBSERVER,
          inject: [GatewayTelemetryObserver],
          useFactory: (observer: GatewayTelemetryObserver): GatewayObserver =>
            options.observer ?? observer,
        },
        BudgetGaugeLookup,
        {
          provide: LiveStateCollector,
          inject: [
            MetricRegistry,
            CatalogService,
            DeploymentHealthRegistry,
            WEIGHT_SOURCE,
            CALL_RECORDER,
            BudgetGaugeLookup,
          ],
          useFactory: (
            registry: MetricRegistry,
            catalog: CatalogService,
            health: DeploymentHealthRegistry,
            weights: WeightSource,
            recorder: CallRecorder,
            budgets: BudgetGaugeLookup,
          ) =>
            new LiveStateCollector(registry, {
              catalog,
              health,
              weights,
              recorder,
              budgets: () => budgets.current,
            }),
        },
        {
          provide: ProcessMetrics,
          // After the gateway's and the live state's families, so /metrics reads top-down.
          inject: [MetricRegistry, LiveStateCollector],
          useFactory: (registry: MetricRegistry) => new ProcessMetrics(registry),
        },
        {
          provide: HealthService,
          inject: [
            CatalogService,
            WEIGHT_SOURCE,
            OVERRIDES,
            { token: DatabaseService, optional: true },
          ],
          useFactory: (
            catalog: CatalogService,
            weights: WeightSource,
            overrides: OverridesState,
            database: DatabaseService | undefined,
          ) => new HealthService({ catalog, weights, overrides, database }),
        },
        TelemetryLifecycle,
      ],
      exports: [GATEWAY_OBSERVER, MetricRegistry, GatewayMetrics, HttpTelemetry, HealthService],
    };
  }
}

/** Adds the telemetry's Fastify hooks. Call after the app is created, before `init()`. */
export function installTelemetryHooks(app: NestFastifyApplication): void {
  app.get(HttpTelemetry).install(app.getHttpAdapter().getInstance());
}
