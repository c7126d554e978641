import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessLog } from './access-log.js';
import type { GatewayMetrics, RequestOutcome } from './gateway-metrics.js';

/** How long a finished request's id is remembered for its response hook (two generations). */
const GENERATION_MS = 30_000;

/**
 * Counts the `/v1/*` requests that never reached the gateway service, so never its observer:
 * refused by Fastify (invalid JSON 400, 413, 415, unknown path 404), by validation in the
 * controller (400), or by anything else before `GatewayService.complete` (keys, limits).
 *
 * The observer tells this class which request ids it saw ({@link observed}, {@link finished});
 * Fastify's `onResponse` hook then counts every other `/v1/*` answer of 400 or more as
 * `outcome="rejected"` (5xx: `error`/`unavailable`). Ids of requests in progress are kept
 * until the observer is done with them, then for one to two generations of
 * {@link GENERATION_MS} for the response hook to find — a caller that disconnected leaves no
 * response hook behind, and the generations bound what is kept. Two concurrent requests with
 * the same caller-chosen `X-Request-Id` can be confused; nothing else can.
 */
export class HttpTelemetry {
  private readonly inProgress = new Set<string>();
  /** In progress, but their response already went out (the observer finishes after it). */
  private readonly responded = new Set<string>();
  private recent = new Set<string>();
  private previous = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly accessLog: AccessLog,
  ) {}

  /** The observer saw this request (GatewayService.complete was called). */
  observed(requestId: string): void {
    this.inProgress.add(requestId);
  }

  /** The observer is done with this request; its response hook may still come. */
  finished(requestId: string): void {
    if (this.inProgress.delete(requestId) && !this.responded.delete(requestId)) {
      this.recent.add(requestId);
    }
  }

  /** Adds the response hook to Fastify (before the app is initialised). */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      this.onResponse(request, reply);
      done();
    });
    this.timer = setInterval(() => this.rotate(), GENERATION_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Ids remembered right now (for tests: the memory stays bounded). */
  get remembered(): number {
    return this.inProgress.size + this.responded.size + this.recent.size + this.previous.size;
  }

  private rotate(): void {
    this.previous = this.recent;
    this.recent = new Set();
  }

  private onResponse(request: FastifyRequest, reply: FastifyReply): void {
    if (!request.url.startsWith('/v1/')) return;
    const id = request.id;
    if (this.recent.delete(id) || this.previous.delete(id)) return;
    if (this.inProgress.has(id)) {
      this.responded.add(id);
      return;
    }
    const status = reply.statusCode;
    if (status < 400) return; // e.g. GET /v1/models
    const outcome: RequestOutcome =
      status < 500 ? 'rejected' : status === 500 ? 'error' : 'unavailable';
    this.metrics.noRoute.unanswered.get(outcome, status).inc();
    if (this.accessLog.wants(status)) {
      const query = request.url.indexOf('?');
      this.accessLog.write({
        requestId: id,
        route: null,
        deployment: null,
        status,
        outcome,
        attempts: 0,
        stream: false,
        durationMs: round(performance.now() - request.receivedAt),
        path:
          request.routeOptions.url ??
          (query === -1 ? request.url : request.url.slice(0, query)).slice(0, 200),
      });
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
