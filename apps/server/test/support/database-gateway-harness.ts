import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startProviderSim, type ProviderSim } from '@stilts/provider-sim';
import { createSeededRng, type Clock } from '@stilts/routing';
import { Writable } from 'node:stream';
import { createLogger, PinoLoggerService } from '../../src/common/logging/pino-logger.service.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import pg from 'pg';
import { createApp } from '../../src/app.factory.js';
import { closeGracefully } from '../../src/common/http/graceful-close.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { CALL_RECORDER } from '../../src/modules/calls/call-record.js';
import type { CallRecorderService } from '../../src/modules/calls/call-recorder.service.js';
import type { CatalogDefinition } from '../../src/modules/catalog/catalog.types.js';
import { KeysService } from '../../src/modules/keys/keys.service.js';
import { secretResolver } from '../../src/modules/catalog/catalog.types.js';
import { dropSchema, randomSchemaName, testDatabaseUrl } from './test-database.js';

export interface DatabaseGatewayHarness {
  readonly url: string;
  readonly sim: ProviderSim;
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  readonly client: OpenAI;
  /** An API key of team `test` (the gateway requires one in database mode). */
  readonly apiKey: string;
  readonly recorder: CallRecorderService;
  readonly schema: string;
  /** STILTS_HOME of this gateway (a temp dir: the journal lives here). */
  readonly home: string;
  /** Runs SQL in the gateway's schema on a connection of the test's own (not the app's pool). */
  sql<T extends pg.QueryResultRow>(text: string, params?: unknown[]): Promise<T[]>;
  /** Stops the app (draining the recorder), then drops the schema and the temp dir. */
  close(): Promise<void>;
}

/**
 * A gateway on the real test database, in a schema of its own, with the catalog seeded from
 * `catalog(sim)` and the Postgres call ledger recording. `databaseUrl` lets a test route the
 * app's connections through a proxy it can cut.
 */
export async function startDatabaseGatewayHarness(options: {
  scenario: unknown;
  catalog: (sim: ProviderSim) => CatalogDefinition;
  env?: Record<string, string>;
  databaseUrl?: string;
  seed?: number;
  /** Share another harness's schema (a second replica); it is then not dropped on close. */
  schema?: string;
  /** Share another harness's simulator; it is then not closed on close. */
  sim?: ProviderSim;
  /** The app's clock (e.g. a ManualClock for period boundaries). */
  clock?: Clock;
  /** Where the app's JSON log lines go (to scan them in tests); default: nowhere. */
  logLines?: string[];
  /** The built dashboard to serve at /admin (default: apps/admin/dist). */
  dashboardDir?: string;
}): Promise<DatabaseGatewayHarness> {
  const schema = options.schema ?? randomSchemaName();
  const ownsSchema = options.schema === undefined;
  const home = await mkdtemp(path.join(tmpdir(), 'stilts-home-'));
  const sim =
    options.sim ??
    (await startProviderSim({ scenario: options.scenario, seed: options.seed ?? 1 }));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_SCHEMA: schema,
    STILTS_HOME: home,
    RECORDER_FLUSH_INTERVAL_MS: '50',
    ...options.env,
  });
  const app = await createApp({
    config,
    storage: {
      kind: 'database',
      url: options.databaseUrl ?? testDatabaseUrl(),
      catalogSeed: options.catalog(sim),
      secrets: secretResolver({}),
    },
    rng: createSeededRng(options.seed ?? 1),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logLines ? { logger: capturingLogger(options.logLines) } : {}),
    ...(options.dashboardDir ? { dashboardDir: options.dashboardDir } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  const keys = app.get(KeysService);
  const team =
    (await keys.teams()).find((t) => t.name === 'test') ??
    (await keys.createTeam({ name: 'test' }, 'test'));
  const { secret: apiKey } = await keys.createKey({ teamId: team.id, name: 'harness' }, 'test');
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 20_000 });
  const pool = new pg.Pool({
    connectionString: testDatabaseUrl(),
    max: 2,
    options: `-c search_path=${schema}`,
  });
  let closed = false;
  return {
    url,
    sim,
    app,
    config,
    client,
    apiKey,
    recorder: app.get<CallRecorderService>(CALL_RECORDER),
    schema,
    home,
    async sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []) {
      return (await pool.query<T>(text, params)).rows;
    },
    async close() {
      if (closed) return;
      closed = true;
      await closeGracefully(app, 5_000);
      if (!options.sim) await sim.close();
      await pool.end();
      if (ownsSchema) await dropSchema(testDatabaseUrl(), schema);
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it holds (or throws after `timeoutMs`). */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A Nest logger writing pino JSON lines into `lines` (debug level: everything that could leak). */
export function capturingLogger(lines: string[]): PinoLoggerService {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(line);
      done();
    },
  });
  return new PinoLoggerService(createLogger('debug', stream));
}
