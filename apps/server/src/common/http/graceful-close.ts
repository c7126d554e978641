import type { NestFastifyApplication } from '@nestjs/platform-fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** `performance.now()` when the request arrived (before body parsing). */
    receivedAt: number;
  }
}

const inFlightByApp = new WeakMap<object, { count: number }>();

/**
 * Counts requests in flight (streams included, until their socket is done) and stamps each
 * with its arrival time.
 */
export function trackInFlight(app: NestFastifyApplication): void {
  const state = { count: 0 };
  inFlightByApp.set(app, state);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.decorateRequest('receivedAt', 0);
  fastify.addHook('onRequest', (request, reply, done) => {
    request.receivedAt = performance.now();
    state.count++;
    reply.raw.once('close', () => state.count--);
    done();
  });
}

/** Requests still in flight on `app` (0 when not tracked). */
export function inFlightCount(app: NestFastifyApplication): number {
  return inFlightByApp.get(app)?.count ?? 0;
}

/**
 * Closes the app the way a load balancer expects: stop accepting, let in-flight requests
 * (streams included) finish for up to `graceMs`, then drop what is left (idle keep-alive and
 * never-used connections included, which would otherwise hold the close open), then run the
 * application's shutdown hooks. Resolves `true` when nothing had to be cut.
 */
export async function closeGracefully(
  app: NestFastifyApplication,
  graceMs: number,
): Promise<boolean> {
  const server = app.getHttpServer();
  const deadline = Date.now() + graceMs;
  let clean = true;
  const closing = app.close();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const busy = inFlightCount(app) > 0;
      if (!busy || Date.now() >= deadline) {
        if (busy) clean = false;
        server.closeAllConnections();
        resolve();
        return;
      }
      setTimeout(tick, 25).unref();
    };
    // Give the close a moment to stop the listener before the first check.
    setImmediate(tick);
  });
  await closing;
  return clean;
}
