import { readFile } from 'node:fs/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  builtinScenarioPath,
  loadScenarioFile,
  startProviderSim,
  type ProviderSim,
} from '@stilts/provider-sim';
import type { Logger } from 'pino';
import { createApp } from './app.factory.js';
import { closeGracefully } from './common/http/graceful-close.js';
import type { AppConfig } from './config/app-config.js';
import { PinoLoggerService } from './common/logging/pino-logger.service.js';
import {
  catalogDefaultsFrom,
  catalogFromEnvironment,
  catalogFromFile,
  hasProviderCredentials,
  simulatorCatalog,
} from './modules/catalog/catalog-defaults.js';
import { catalogFileSchema } from './modules/catalog/catalog-file.schema.js';
import { StaticCatalogSource, type CatalogSource } from './modules/catalog/catalog.service.js';

/** A running Stilts: the HTTP server and, in demo mode, the built-in simulator. */
export interface RunningStilts {
  readonly app: NestFastifyApplication;
  readonly url: string;
  readonly simulator: ProviderSim | undefined;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then stops. */
  close(): Promise<void>;
}

async function readCatalogFile(
  path: string,
  env: NodeJS.ProcessEnv,
  config: AppConfig,
): Promise<CatalogSource> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`STILTS_CONFIG ${path}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = catalogFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('\n  ');
    throw new Error(`STILTS_CONFIG ${path} is invalid:\n  ${problems}`);
  }
  return new StaticCatalogSource(
    catalogFromFile(parsed.data, env, catalogDefaultsFrom(config)),
    `file ${path}`,
  );
}

/**
 * Starts Stilts from validated settings: picks the catalog (config file, provider credentials,
 * or the built-in simulator), builds the app and listens.
 */
export async function startStilts(
  config: AppConfig,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<RunningStilts> {
  const defaults = catalogDefaultsFrom(config);
  const useSimulator =
    config.STILTS_SIMULATOR === 'on' ||
    (config.STILTS_SIMULATOR === 'auto' &&
      !config.STILTS_CONFIG &&
      !hasProviderCredentials(config));
  let simulator: ProviderSim | undefined;
  let source: CatalogSource;
  if (config.STILTS_CONFIG) {
    source = await readCatalogFile(config.STILTS_CONFIG, env, config);
  } else if (useSimulator) {
    const scenarioPath = config.SIM_SCENARIO ?? builtinScenarioPath('demo');
    const scenario = await loadScenarioFile(scenarioPath);
    simulator = await startProviderSim({ port: config.SIM_PORT, host: '127.0.0.1', scenario });
    logger.info(
      { url: simulator.url, scenario: scenarioPath },
      'provider simulator started (no provider credentials set)',
    );
    source = new StaticCatalogSource(
      simulatorCatalog(simulator.url, defaults),
      'the built-in simulator',
    );
  } else if (hasProviderCredentials(config)) {
    source = new StaticCatalogSource(
      catalogFromEnvironment(config, defaults),
      'provider credentials in the environment',
    );
  } else {
    throw new Error(
      'No providers: set STILTS_CONFIG or a provider credential, or STILTS_SIMULATOR=on.',
    );
  }
  if (config.STILTS_CONFIG && useSimulator) {
    logger.warn('STILTS_SIMULATOR=on is ignored because STILTS_CONFIG is set');
  }

  const app = await createApp({
    config,
    catalogSource: source,
    logger: new PinoLoggerService(logger),
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const clean = await closeGracefully(app, config.SHUTDOWN_GRACE_MS);
      if (!clean) logger.warn('shutdown grace period over; in-flight requests were cut');
      await simulator?.close();
    })();
    return closing;
  };
  return { app, url, simulator, close };
}
