import { describe, expect, it } from '@jest/globals';
import { SpanKind } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { attemptRecord } from '../../../test/support/attempt-record.factory.js';
import { catalogFixture } from '../../../test/support/catalog.factory.js';
import { requestStart } from '../../../test/support/request-start.factory.js';
import { ResolvedCatalog, type ResolvedMember } from '../catalog/resolved-catalog.js';
import type { RequestEnd } from '../gateway/gateway-observer.js';
import { AccessLog } from './access-log.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { requestOutcome, GatewayTelemetryObserver } from './gateway-telemetry.observer.js';
import { GatewayTracing } from './gateway-tracing.js';
import { HttpTelemetry } from './http-telemetry.js';
import { MetricRegistry } from './metric-registry.js';

const catalog = new ResolvedCatalog(catalogFixture({ members: [{ id: 'a' }, { id: 'b' }] }), 1);
const route = catalog.route('test-route');
const [memberA, memberB] = (route?.members ?? []) as [ResolvedMember, ResolvedMember];

function end(overrides: Partial<RequestEnd> = {}): RequestEnd {
  return {
    status: 200,
    errorCode: null,
    attempts: 1,
    deploymentId: 'a',
    upstreamMs: 1,
    ...overrides,
  };
}

function observer(traced = false): {
  observer: GatewayTelemetryObserver;
  metrics: GatewayMetrics;
  http: HttpTelemetry;
  exporter: InMemorySpanExporter;
} {
  const metrics = new GatewayMetrics(new MetricRegistry());
  const log = new AccessLog('silent');
  const http = new HttpTelemetry(metrics, log);
  const exporter = new InMemorySpanExporter();
  const tracing = traced
    ? new GatewayTracing(
        new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer(
          't',
        ),
      )
    : undefined;
  return {
    observer: new GatewayTelemetryObserver(metrics, http, tracing, log),
    metrics,
    http,
    exporter,
  };
}

describe('requestOutcome', () => {
  it.each<[string, Partial<RequestEnd>, Parameters<typeof requestOutcome>[1], string]>([
    ['an answer', {}, 'success', 'success'],
    ['a stream that broke after its first byte', {}, 'interrupted', 'interrupted'],
    ['a caller who left mid-stream', {}, 'aborted', 'aborted'],
    ['a caller who left before any answer', { deploymentId: null }, 'server_error', 'aborted'],
    [
      'an unknown model',
      { status: 404, errorCode: 'model_not_found', deploymentId: null },
      null,
      'rejected',
    ],
    [
      'a spent budget',
      { status: 429, errorCode: 'budget_exceeded', deploymentId: null },
      null,
      'rejected',
    ],
    [
      'an upstream 422',
      { status: 422, errorCode: 'upstream_caller_error', deploymentId: null },
      'caller_error',
      'caller_error',
    ],
    [
      'every deployment rate limited',
      { status: 429, errorCode: 'rate_limited', deploymentId: null },
      'rate_limited',
      'unavailable',
    ],
    [
      'every deployment failing',
      { status: 503, errorCode: 'all_deployments_failed', deploymentId: null },
      'server_error',
      'unavailable',
    ],
    [
      'timeouts',
      { status: 504, errorCode: 'upstream_timeout', deploymentId: null },
      'timeout',
      'unavailable',
    ],
    ['a bug', { status: 500, errorCode: 'internal_error', deploymentId: null }, null, 'error'],
  ])('maps %s', (_label, overrides, lastAttempt, expected) => {
    expect(requestOutcome(end(overrides), lastAttempt)).toBe(expected);
  });
});

describe('GatewayTelemetryObserver', () => {
  it('without tracing observes a whole request with one object and pre-resolved series', () => {
    const { observer: o, metrics, http } = observer();
    const request = o.requestStarted(requestStart());
    expect(metrics.inFlightNow.value).toBe(1);
    const first = request.attemptStarted(memberA, 1);
    expect(first).toBe(request);
    first.ended(
      attemptRecord({
        deploymentId: 'a',
        outcome: 'server_error',
        inputTokens: 0,
        outputTokens: 0,
        costMicroUsd: 0,
      }),
    );
    const second = request.attemptStarted(memberB, 2);
    expect(second).toBe(request);
    second.ended(
      attemptRecord({
        deploymentId: 'b',
        outcome: 'success',
        inputTokens: 3,
        outputTokens: 5,
        costMicroUsd: 9,
        latencyMs: 40,
      }),
    );
    request.finished(end({ deploymentId: 'b', attempts: 2 }));
    request.finished(end({ deploymentId: 'b', attempts: 2 })); // idempotent

    const series = metrics.route('test-route');
    expect(series.deployment('a').attempt('server_error').value).toBe(1);
    expect(series.deployment('b').attempt('success').value).toBe(1);
    expect(series.deployment('b').inputTokens.value).toBe(3);
    expect(series.deployment('b').outputTokens.value).toBe(5);
    expect(series.deployment('b').costMicroUsd.value).toBe(9);
    expect(series.deployment('b').latency.count).toBe(1);
    expect(series.deployment('b').latency.sum).toBeCloseTo(0.04);
    expect(series.requests('b').success.value).toBe(1);
    expect(series.durationJson.count).toBe(1);
    expect(metrics.overheadJson.count).toBe(1);
    expect(metrics.inFlightNow.value).toBe(0);
    // Finished requests wait in a generation set for their response hook, nothing more.
    expect(http.remembered).toBe(1);
  });

  it('labels a request nobody received with status 499', () => {
    const { observer: o, metrics } = observer();
    const request = o.requestStarted(requestStart());
    request
      .attemptStarted(memberA, 1)
      .ended(attemptRecord({ deploymentId: 'a', outcome: 'aborted' }));
    request.finished(end({ deploymentId: null }));
    expect(metrics.route('test-route').requests(null).get('aborted', 499).value).toBe(1);
  });

  it('forwards only a valid caller traceparent when not tracing', () => {
    const { observer: o } = observer();
    const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const headers = (traceparent: string | undefined, tracestate?: string) =>
      o.requestStarted(requestStart({ traceparent, tracestate })).attemptStarted(memberA, 1)
        .upstreamHeaders;
    expect(headers(valid, 'k=v')).toEqual({ traceparent: valid, tracestate: 'k=v' });
    expect(headers(valid, 'x'.repeat(600))).toEqual({ traceparent: valid });
    expect(headers(undefined)).toBeUndefined();
    expect(headers('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBeUndefined();
    expect(headers('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(headers(`${valid}\r\nx-evil: 1`)).toBeUndefined();
  });

  it('closes an attempt span that never got its record (the deployment could not express the request)', () => {
    const { observer: o, exporter } = observer(true);
    const request = o.requestStarted(requestStart());
    request.attemptStarted(memberA, 1); // UnsupportedRequestError: no record
    request.attemptStarted(memberB, 1).ended(attemptRecord({ deploymentId: 'b' }));
    request.finished(end({ deploymentId: 'b' }));
    const clients = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(clients.map((s) => s.attributes['stilts.outcome'])).toEqual(['unsupported', 'success']);
    expect(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(1);
  });
});
