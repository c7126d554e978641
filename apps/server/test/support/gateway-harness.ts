import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TracerProvider } from '@opentelemetry/api';
import { startProviderSim, type ProviderSim } from '@stilts/provider-sim';
import { createSeededRng } from '@stilts/routing';
import OpenAI from 'openai';
import { createApp } from '../../src/app.factory.js';
import { closeGracefully } from '../../src/common/http/graceful-close.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { InMemoryCallRecorder } from '../../src/modules/calls/call-record.js';
import type { CatalogDefinition } from '../../src/modules/catalog/catalog.types.js';
import { StaticCatalogSource } from '../../src/modules/catalog/catalog.service.js';
import { DeploymentHealthRegistry } from '../../src/modules/gateway/deployment-health.js';

export interface GatewayHarness {
  readonly url: string;
  readonly sim: ProviderSim;
  readonly app: NestFastifyApplication;
  readonly recorder: InMemoryCallRecorder;
  readonly health: DeploymentHealthRegistry;
  readonly config: AppConfig;
  /** The official OpenAI client pointed at the gateway, with its own retries off. */
  readonly client: OpenAI;
  close(): Promise<void>;
}

/**
 * Starts the provider simulator with `scenario` and a gateway (on 127.0.0.1, a free port) over
 * the catalog `catalog(sim)` builds. Everything is real HTTP; only storage is in memory.
 */
export async function startGatewayHarness(options: {
  scenario: unknown;
  catalog: (sim: ProviderSim) => CatalogDefinition;
  env?: Record<string, string>;
  seed?: number;
  /** Where spans go (e.g. an in-memory exporter's provider); default: no tracing. */
  tracerProvider?: TracerProvider;
  /** The application logger (e.g. pino on a capture stream); default: none. */
  logger?: LoggerService;
}): Promise<GatewayHarness> {
  const sim = await startProviderSim({ scenario: options.scenario, seed: options.seed ?? 1 });
  const config = loadConfig({ LOG_LEVEL: 'silent', PORT: '0', ...options.env });
  const recorder = new InMemoryCallRecorder();
  const app = await createApp({
    config,
    storage: {
      kind: 'memory',
      catalogSource: new StaticCatalogSource(options.catalog(sim), 'test'),
      recorder,
    },
    rng: createSeededRng(options.seed ?? 1),
    ...(options.tracerProvider ? { tracing: { tracerProvider: options.tracerProvider } } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  const client = new OpenAI({
    baseURL: `${url}/v1`,
    apiKey: 'unused-in-this-issue',
    maxRetries: 0,
    timeout: 20_000,
  });
  return {
    url,
    sim,
    app,
    recorder,
    health: app.get(DeploymentHealthRegistry),
    config,
    client,
    async close() {
      await closeGracefully(app, 5_000);
      await sim.close();
    },
  };
}
