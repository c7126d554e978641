import { readFile } from 'node:fs/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ProviderSim } from '@stilts/provider-sim';
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
  SIMULATOR_KEYS,
  simulatorCatalog,
} from './modules/catalog/catalog-defaults.js';
import { catalogFileSchema } from './modules/catalog/catalog-file.schema.js';
import {
  secretResolver,
  type CatalogDefinition,
  type SecretResolver,
} from './modules/catalog/catalog.types.js';
import { resolveDatabase, type ResolvedDatabase } from './modules/database/resolve-database.js';
import { startTracingFromEnv } from './modules/telemetry/otel-tracing.js';
import { saveCredentials } from './common/credentials-file.js';
import { KeysService } from './modules/keys/keys.service.js';
import { ensureInitialAdminToken } from './modules/admin/admin.module.js';

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
  secrets: SecretResolver,
  config: AppConfig,
): Promise<CatalogDefinition> {
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
  return catalogFromFile(parsed.data, secrets, catalogDefaultsFrom(config));
}

/**
 * On a fresh database, creates the first admin token and a development API key, saves them to
 * `STILTS_HOME/credentials` (0600) and prints them once — on the console, not in the log
 * stream, which may be shipped elsewhere.
 */
async function announceCredentials(
  app: NestFastifyApplication,
  config: AppConfig,
  url: string,
  logger: Logger,
): Promise<void> {
  const adminToken = await ensureInitialAdminToken(app);
  const apiKey = await app.get(KeysService).ensureDevelopmentKey();
  const file = await saveCredentials(config.STILTS_HOME, { adminToken, apiKey });
  if (!file) return;
  logger.info({ file }, 'created first-start credentials');
  process.stdout.write(
    [
      '',
      `  Stilts created credentials for this installation. They are shown once, and saved in ${file}:`,
      ...(adminToken ? [`    Admin token (log in at ${url}/admin):  ${adminToken}`] : []),
      ...(apiKey ? [`    API key (team "default", for ${url}/v1):  ${apiKey}`] : []),
      '',
      '',
    ].join('\n'),
  );
}

function listeningUrl(app: NestFastifyApplication, config: AppConfig): string {
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Starts Stilts from validated settings: the database (DATABASE_URL or the embedded one), the
 * catalog seed (config file, provider credentials, or the built-in simulator), the app.
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
  if (config.STILTS_CONFIG && config.STILTS_SIMULATOR === 'on') {
    logger.warn('STILTS_SIMULATOR=on is ignored because STILTS_CONFIG is set');
  }
  const secrets = secretResolver(env, useSimulator ? SIMULATOR_KEYS : {});
  let simulator: ProviderSim | undefined;
  let seed: CatalogDefinition | undefined;
  if (config.STILTS_CONFIG) {
    seed = await readCatalogFile(config.STILTS_CONFIG, secrets, config);
  } else if (useSimulator) {
    // Loaded only in demo mode: a gateway in front of real providers never holds the simulator.
    const { builtinScenarioPath, loadScenarioFile, startProviderSim } =
      await import('@stilts/provider-sim');
    const scenarioPath = config.SIM_SCENARIO ?? builtinScenarioPath('demo');
    const scenario = await loadScenarioFile(scenarioPath);
    simulator = await startProviderSim({ port: config.SIM_PORT, host: '127.0.0.1', scenario });
    logger.info(
      { url: simulator.url, scenario: scenarioPath },
      'provider simulator started (no provider credentials set)',
    );
    seed = simulatorCatalog(simulator.url, defaults, secrets);
  } else if (hasProviderCredentials(config)) {
    seed = catalogFromEnvironment(config, defaults, secrets);
  } else {
    logger.warn(
      'no config file, provider credentials or simulator: serving the routes already in the database',
    );
  }

  let database: ResolvedDatabase | undefined;
  let app: NestFastifyApplication;
  // OTLP trace export when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise no spans at all.
  const tracing = await startTracingFromEnv(env, logger);
  try {
    database = await resolveDatabase(config, logger);
    app = await createApp({
      config,
      storage: { kind: 'database', url: database.url, catalogSeed: seed, secrets },
      logger: new PinoLoggerService(logger),
      tracing,
    });
    await app.listen({ port: config.PORT, host: config.HOST });
    await announceCredentials(app, config, listeningUrl(app, config), logger);
  } catch (error) {
    await simulator?.close();
    await database?.embedded?.stop();
    await tracing?.shutdown();
    throw error;
  }
  const url = listeningUrl(app, config);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // HTTP first (in-flight requests finish and are recorded), then the recorder drains into
      // the database (a shutdown task), then the pool closes; the embedded server stops last.
      const clean = await closeGracefully(app, config.SHUTDOWN_GRACE_MS);
      if (!clean) logger.warn('shutdown grace period over; in-flight requests were cut');
      await simulator?.close();
      await database?.embedded?.stop();
      // Last: exports the spans of the requests that finished during the grace period.
      await tracing?.shutdown();
    })();
    return closing;
  };
  return { app, url, simulator, close };
}
