import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { trackInFlight } from './common/http/graceful-close.js';
import { requestIdFor } from './common/http/request-id.js';
import { AppModule, type AppDependencies } from './app.module.js';
import { installTelemetryHooks } from './modules/telemetry/telemetry.module.js';
import { setupAdminHttp } from './modules/admin/http/admin-http.setup.js';

/** Builds the Nest application (initialised, not listening). Used by `main` and by tests. */
export async function createApp(deps: AppDependencies): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: deps.config.BODY_LIMIT_BYTES,
    genReqId: requestIdFor,
    trustProxy: deps.config.TRUST_PROXY,
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(deps), adapter, {
    logger: deps.logger ?? false,
    abortOnError: false,
    // Fastify's own JSON parser (bodyLimit applies); no urlencoded or text bodies anywhere.
    bodyParser: false,
  });
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
  app.useGlobalFilters(new AllExceptionsFilter());
  if (deps.storage.kind === 'database') {
    await setupAdminHttp(app, { dashboardDir: deps.dashboardDir });
  }
  trackInFlight(app);
  installTelemetryHooks(app);
  try {
    await app.init();
  } catch (error) {
    // Release what the modules that did start hold (pools, timers, LISTEN connections).
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
