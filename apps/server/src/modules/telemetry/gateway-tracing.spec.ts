import { describe, expect, it } from '@jest/globals';
import type { HrTime, Tracer } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type IdGenerator,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { attemptRecord } from '../../../test/support/attempt-record.factory.js';
import { catalogFixture } from '../../../test/support/catalog.factory.js';
import { requestStart } from '../../../test/support/request-start.factory.js';
import { ResolvedCatalog, type ResolvedMember } from '../catalog/resolved-catalog.js';
import { GatewayTracing } from './gateway-tracing.js';
import { LeanSpan } from './lean-tracer.js';
import { OtlpTraceProtoSerializer } from './otlp-trace-serializer.js';

const catalog = new ResolvedCatalog(
  catalogFixture({
    members: [
      { id: 'a', model: 'model-a' },
      { id: 'b', model: 'model-b', kind: 'anthropic' },
    ],
  }),
  1,
);
const [memberA, memberB] = (catalog.route('test-route')?.members ?? []) as [
  ResolvedMember,
  ResolvedMember,
];

/** Ids 1, 2, 3... in hex: two providers made alike draw the same ids. */
class SequentialIds implements IdGenerator {
  private next = 0;

  generateTraceId(): string {
    return (++this.next).toString(16).padStart(32, '0');
  }

  generateSpanId(): string {
    return (++this.next).toString(16).padStart(16, '0');
  }
}

/** A few requests through `GatewayTracing`: what was exported and sent upstream. */
function traceRequests(wrap: (tracer: Tracer) => Tracer) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    idGenerator: new SequentialIds(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracing = new GatewayTracing(wrap(provider.getTracer('stilts', '1.0.0')));
  const headers: Record<string, string>[] = [];
  const starts = [
    requestStart(),
    requestStart({
      requestId: 'req-2',
      stream: true,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=abc',
    }),
    requestStart({ requestId: 'req-3', route: null }),
  ];
  for (const [i, requestStart] of starts.entries()) {
    const request = tracing.startRequest(requestStart);
    const skipped = tracing.startAttempt(request, memberA, 1);
    tracing.endSkippedAttempt(skipped.span);
    const failed = tracing.startAttempt(request, memberA, 1);
    tracing.endAttempt(
      failed.span,
      attemptRecord({ outcome: 'server_error', httpStatus: 503, errorType: 'upstream_5xx' }),
      memberA,
    );
    const answered = tracing.startAttempt(request, memberB, 2);
    tracing.endAttempt(
      answered.span,
      attemptRecord({ ttftMs: i === 1 ? 12 : null, snapshotVersion: 7 }),
      memberB,
    );
    headers.push(skipped.headers, failed.headers, answered.headers);
    tracing.endRequest(
      request.span,
      { status: 200, errorCode: null, attempts: 2, deploymentId: 'b', upstreamMs: 3 },
      { outcome: 'success', answeredBy: memberB, costMicroUsd: 30 },
    );
  }
  return { spans: [...exporter.getFinishedSpans()], headers };
}

/** `span` with fixed times (what only the clock decides), everything else its own. */
function fixedTimes(span: ReadableSpan): ReadableSpan {
  const start: HrTime = [1_700_000_000, 1];
  const end: HrTime = [1_700_000_001, 2];
  return Object.create(span, {
    startTime: { value: start },
    endTime: { value: end },
  }) as ReadableSpan;
}

function otlp(spans: ReadableSpan[]): string {
  const serializer = new OtlpTraceProtoSerializer((data) =>
    ProtobufTraceSerializer.deserializeResponse(data),
  );
  return Buffer.from(serializer.serializeRequest(spans.map(fixedTimes))).toString('hex');
}

describe('GatewayTracing', () => {
  it("makes lean spans from the SDK's tracer, and the same spans and bytes as the SDK's own", () => {
    const lean = traceRequests((tracer) => tracer);
    // Not the SDK's tracer: GatewayTracing uses it as it is (here, the SDK's spans).
    const sdk = traceRequests((tracer) => ({
      startSpan: (...args) => tracer.startSpan(...args),
      startActiveSpan: tracer.startActiveSpan.bind(tracer),
    }));
    expect(lean.spans.every((s) => s instanceof LeanSpan && s.attributeArraysExact)).toBe(true);
    expect(sdk.spans.some((s) => s instanceof LeanSpan)).toBe(false);
    expect(lean.spans).toHaveLength(12);

    expect(otlp(lean.spans)).toBe(otlp(sdk.spans));
    expect(lean.headers).toStrictEqual(sdk.headers);
    const fields = (s: ReadableSpan) => ({
      name: s.name,
      kind: s.kind,
      context: s.spanContext(),
      parent: s.parentSpanContext,
      attributes: s.attributes,
      order: Object.keys(s.attributes),
      status: s.status,
    });
    expect(lean.spans.map(fields)).toStrictEqual(sdk.spans.map(fields));
    // A request without a stream or a route sets neither attribute.
    expect(Object.keys(lean.spans[3]?.attributes ?? {})).toEqual([
      'gen_ai.operation.name',
      'gen_ai.request.model',
      'stilts.route',
      'stilts.request_id',
      'http.response.status_code',
      'stilts.outcome',
      'stilts.attempts',
      'stilts.deployment',
      'stilts.cost_micro_usd',
    ]);
    expect(lean.spans[11]?.attributes['stilts.route']).toBeUndefined();
  });
});
