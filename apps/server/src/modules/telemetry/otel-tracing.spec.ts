import { afterEach, describe, expect, it } from '@jest/globals';
import { SpanKind } from '@opentelemetry/api';
import { pino } from 'pino';
import { GatewayTracing } from './gateway-tracing.js';
import { LeanSpan, LeanTracer } from './lean-tracer.js';
import { startTracingFromEnv, type TracingSetup } from './otel-tracing.js';

const OTEL_ENV = {
  // Nothing listens there; no span in this test ends, so nothing is exported.
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
  OTEL_TRACES_SAMPLER: 'always_on',
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '2',
  OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '3',
};

let setup: TracingSetup | undefined;
const saved = new Map<string, string | undefined>();

afterEach(async () => {
  await setup?.shutdown();
  setup = undefined;
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  saved.clear();
});

describe('startTracingFromEnv', () => {
  it("registers the SDK's tracer, which the gateway's spans go through lean, OTEL_* limits applied", async () => {
    // NodeSDK reads its settings from process.env.
    for (const [key, value] of Object.entries(OTEL_ENV)) {
      saved.set(key, process.env[key]);
      process.env[key] = value;
    }
    setup = await startTracingFromEnv(process.env, pino({ level: 'silent' }));
    if (!setup) throw new Error('tracing did not start');
    const tracer = setup.tracerProvider.getTracer('stilts', '1.0.0');
    expect(LeanTracer.from(tracer)).toBeInstanceOf(LeanTracer);

    const request = new GatewayTracing(tracer).startRequest({
      requestId: 'req-1',
      route: 'a-long-route',
      stream: false,
      traceparent: undefined,
      tracestate: undefined,
      receivedAt: performance.now(),
    });
    const span = request.span as LeanSpan;
    expect(span).toBeInstanceOf(LeanSpan);
    expect(span.kind).toBe(SpanKind.SERVER);
    // The route's attributes come first (one frozen object per route), then the request's.
    expect(span.attributes).toStrictEqual({
      'gen_ai.operation.name': 'cha',
      'gen_ai.request.model': 'a-l',
    });
    expect(span.droppedAttributesCount).toBe(2);
  });
});
