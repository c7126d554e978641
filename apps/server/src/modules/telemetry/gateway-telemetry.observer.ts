import type { Span } from '@opentelemetry/api';
import type { AttemptOutcome, AttemptRecord } from '../calls/call-record.js';
import type { ResolvedMember } from '../catalog/resolved-catalog.js';
import type {
  AttemptObservation,
  GatewayObserver,
  RequestEnd,
  RequestObservation,
  RequestStart,
} from '../gateway/gateway-observer.js';
import type { AccessLog } from './access-log.js';
import type { GatewayMetrics, RequestOutcome, RouteSeries } from './gateway-metrics.js';
import type { GatewayTracing, RequestSpan } from './gateway-tracing.js';
import type { HttpTelemetry } from './http-telemetry.js';

/** A W3C `traceparent` of version 00 with non-zero ids (what we forward when not tracing). */
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
/** W3C: vendors may drop a `tracestate` longer than 512 characters. */
const MAX_TRACESTATE = 512;

/**
 * The trace context to forward upstream when Stilts does not trace itself: the caller's, as
 * received, when it is valid — so the caller's trace still joins up with the provider's.
 */
function passThrough(start: RequestStart): Readonly<Record<string, string>> | undefined {
  const traceparent = start.traceparent;
  if (traceparent === undefined || !TRACEPARENT.test(traceparent)) return undefined;
  const tracestate = start.tracestate;
  return tracestate !== undefined && tracestate.length <= MAX_TRACESTATE
    ? { traceparent, tracestate }
    : { traceparent };
}

/** The request's outcome label from how it ended and how its last attempt ended. */
export function requestOutcome(
  end: RequestEnd,
  lastAttempt: AttemptOutcome | null,
): RequestOutcome {
  if (end.status < 400) {
    // 200 without an answering deployment: the caller left before anything was sent.
    if (end.deploymentId === null || lastAttempt === 'aborted') return 'aborted';
    return lastAttempt === 'interrupted' ? 'interrupted' : 'success';
  }
  if (end.errorCode === 'internal_error') return 'error';
  if (end.errorCode === 'upstream_caller_error') return 'caller_error';
  if (end.status >= 500 || end.errorCode === 'rate_limited') return 'unavailable';
  return 'rejected';
}

/** nginx's "client closed request": the status label of a request nobody received. */
const CLIENT_CLOSED = 499;

/**
 * The gateway's observer: Prometheus series and, when a tracer is configured, OpenTelemetry
 * spans for every request and attempt, plus the access log. Per request it allocates one
 * object (and one per attempt when tracing) and touches pre-resolved series only.
 *
 * Gateway overhead (`stilts_gateway_overhead_seconds`) is measured here, from the arrival
 * time Fastify stamped: total time minus the time the gateway spent waiting on upstreams
 * (`upstreamMs`, which includes building the upstream request and writing the answer) minus
 * the time between attempts (the retry decision and any backoff or Retry-After wait: policy,
 * not overhead). For a stream that reached its first byte it is the same measured up to that
 * byte, since everything after it is the provider's pace.
 */
export class GatewayTelemetryObserver implements GatewayObserver {
  constructor(
    readonly metrics: GatewayMetrics,
    readonly http: HttpTelemetry,
    readonly tracing: GatewayTracing | undefined,
    readonly accessLog: AccessLog,
  ) {}

  requestStarted(start: RequestStart): RequestObservation {
    this.http.observed(start.requestId);
    this.metrics.inFlightNow.inc();
    return new ObservedRequest(this, start);
  }
}

/** One attempt while tracing: its span, the headers that carry it, its member. */
class TracedAttempt implements AttemptObservation {
  readonly upstreamHeaders: Readonly<Record<string, string>>;
  closed = false;

  constructor(
    private readonly request: ObservedRequest,
    readonly span: Span,
    headers: Record<string, string>,
    readonly member: ResolvedMember,
  ) {
    this.upstreamHeaders = headers;
  }

  ended(record: AttemptRecord): void {
    if (this.closed) return;
    this.closed = true;
    this.request.attemptEnded(record, this.member);
    try {
      this.request.owner.tracing?.endAttempt(this.span, record, this.member);
    } catch {
      // Telemetry never fails a request (the OpenTelemetry SDK is not expected to throw).
    }
  }
}

/**
 * One request. Without tracing it is also its own {@link AttemptObservation} (attempts are
 * sequential), so observing costs one allocation per request.
 */
class ObservedRequest implements RequestObservation, AttemptObservation {
  readonly upstreamHeaders: Readonly<Record<string, string>> | undefined;
  private readonly route: RouteSeries;
  private readonly span: RequestSpan | undefined;
  private attemptStartedAt = 0;
  /** End of the last attempt, until the next one starts (0: none pending). */
  private lastEndedAt = 0;
  /** Time between attempts (retry decisions, backoff and Retry-After waits), ms. */
  private betweenMs = 0;
  /** Time inside finished attempts, ms. */
  private attemptsMs = 0;
  private firstByteOverheadMs = -1;
  private lastOutcome: AttemptOutcome | null = null;
  private member: ResolvedMember | undefined;
  private answeredBy: ResolvedMember | undefined;
  private openAttempt: TracedAttempt | undefined;
  private costMicroUsd = 0;
  private done = false;

  constructor(
    readonly owner: GatewayTelemetryObserver,
    private readonly start: RequestStart,
  ) {
    this.route = owner.metrics.route(start.route);
    let span: RequestSpan | undefined;
    try {
      span = owner.tracing?.startRequest(start);
    } catch {
      span = undefined; // untraced, like with tracing off
    }
    this.span = span;
    this.upstreamHeaders = span ? undefined : passThrough(start);
  }

  attemptStarted(member: ResolvedMember, attempt: number): AttemptObservation {
    const now = performance.now();
    if (this.lastEndedAt > 0) {
      this.betweenMs += now - this.lastEndedAt;
      this.lastEndedAt = 0;
    }
    this.attemptStartedAt = now;
    this.member = member;
    const tracing = this.owner.tracing;
    if (!tracing || !this.span) return this;
    try {
      this.closeSkippedAttempt();
      const { span, headers } = tracing.startAttempt(this.span, member, attempt);
      this.openAttempt = new TracedAttempt(this, span, headers, member);
      return this.openAttempt;
    } catch {
      return this;
    }
  }

  /** Untraced attempts end here ({@link AttemptObservation}). */
  ended(record: AttemptRecord): void {
    if (this.member) this.attemptEnded(record, this.member);
  }

  attemptEnded(record: AttemptRecord, member: ResolvedMember): void {
    const now = performance.now();
    this.attemptsMs += now - this.attemptStartedAt;
    this.lastEndedAt = now;
    const series = this.route.deployment(record.deploymentId);
    series.attempt(record.outcome).inc();
    if (record.inputTokens > 0) series.inputTokens.inc(record.inputTokens);
    if (record.outputTokens > 0) series.outputTokens.inc(record.outputTokens);
    if (record.costMicroUsd > 0) series.costMicroUsd.inc(record.costMicroUsd);
    if (record.outcome === 'success') {
      series.latency.observe(record.latencyMs / 1000);
      if (record.ttftMs !== null) series.ttft.observe(record.ttftMs / 1000);
    }
    if (record.outcome === 'success' || record.outcome === 'interrupted') this.answeredBy = member;
    this.lastOutcome = record.outcome;
    if (this.span) {
      this.costMicroUsd += record.costMicroUsd;
      this.openAttempt = undefined;
    }
  }

  firstByte(): void {
    const now = performance.now();
    const sinceArrival = now - this.start.receivedAt;
    this.route.firstByte.observe(sinceArrival / 1000);
    const upstream = this.attemptsMs + (now - this.attemptStartedAt);
    this.firstByteOverheadMs = Math.max(0, sinceArrival - upstream - this.betweenMs);
  }

  finished(end: RequestEnd): void {
    if (this.done) return;
    this.done = true;
    const now = performance.now();
    const owner = this.owner;
    owner.metrics.inFlightNow.dec();
    owner.http.finished(this.start.requestId);

    const outcome = requestOutcome(end, this.lastOutcome);
    const status = outcome === 'aborted' && end.deploymentId === null ? CLIENT_CLOSED : end.status;
    const counters = this.route.requests(end.deploymentId);
    (outcome === 'success' && status === 200
      ? counters.success
      : counters.get(outcome, status)
    ).inc();

    const totalMs = now - this.start.receivedAt;
    const stream = this.start.stream;
    (stream ? this.route.durationStream : this.route.durationJson).observe(totalMs / 1000);
    const overheadMs =
      this.firstByteOverheadMs >= 0
        ? this.firstByteOverheadMs
        : Math.max(0, totalMs - end.upstreamMs - this.betweenMs);
    (stream ? owner.metrics.overheadStream : owner.metrics.overheadJson).observe(overheadMs / 1000);

    if (this.span && owner.tracing) {
      try {
        this.closeSkippedAttempt();
        owner.tracing.endRequest(this.span.span, end, {
          outcome,
          answeredBy: this.answeredBy,
          costMicroUsd: this.costMicroUsd,
        });
      } catch {
        // as above: never fail a request over a span
      }
    }

    if (owner.accessLog.wants(status)) {
      owner.accessLog.write({
        requestId: this.start.requestId,
        route: this.start.route,
        deployment: end.deploymentId,
        status,
        outcome,
        attempts: end.attempts,
        stream,
        durationMs: round(totalMs),
        overheadMs: round(overheadMs),
        errorCode: end.errorCode,
      });
    }
  }

  /** An attempt span that never got its record: the deployment could not express the request. */
  private closeSkippedAttempt(): void {
    const open = this.openAttempt;
    if (!open || open.closed) return;
    this.openAttempt = undefined;
    open.closed = true;
    this.owner.tracing?.endSkippedAttempt(open.span);
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
