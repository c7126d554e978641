import { describe, expect, it, jest } from '@jest/globals';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type SpanContext,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { LeanSpan, LeanTracer } from './lean-tracer.js';
import { OtlpTraceProtoSerializer } from './otlp-trace-serializer.js';

/** Real SDK spans, ended, from a provider with `resource`. */
function recorder(resourceAttributes: Attributes = { 'service.name': 'stilts' }) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resourceAttributes),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    spanLimits: { attributeCountLimit: 1_000 },
  });
  return { provider, spans: () => exporter.getFinishedSpans() };
}

const serializer = () =>
  new OtlpTraceProtoSerializer((data) => ProtobufTraceSerializer.deserializeResponse(data));

/** Both serialisations, as hex (a mismatch then shows where). */
function both(spans: ReadableSpan[], ours = serializer()) {
  const expected = ProtobufTraceSerializer.serializeRequest(spans);
  if (!expected) throw new Error('the SDK serialised nothing');
  return {
    ours: Buffer.from(ours.serializeRequest(spans)).toString('hex'),
    sdk: Buffer.from(expected).toString('hex'),
  };
}

const REMOTE_PARENT: SpanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('vendor=a1b2,other=x'),
};

describe('OtlpTraceProtoSerializer', () => {
  it('writes what the SDK writes for the gateway shape of spans (request + attempts)', () => {
    const { provider, spans } = recorder();
    const tracer = provider.getTracer('stilts', '1.2.3');
    for (let i = 0; i < 20; i++) {
      const parent = i % 2 === 0 ? trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT) : ROOT_CONTEXT;
      const request = tracer.startSpan(
        'chat chat-default',
        {
          kind: SpanKind.SERVER,
          attributes: { 'gen_ai.operation.name': 'chat', 'stilts.request_id': `req-${i}` },
        },
        parent,
      );
      const attempt = tracer.startSpan(
        'chat gpt-4o-mini',
        {
          kind: SpanKind.CLIENT,
          attributes: { 'gen_ai.system': 'openai', 'stilts.deployment': 'sim-openai' },
        },
        trace.setSpan(ROOT_CONTEXT, request),
      );
      attempt.setAttribute('stilts.attempt', 1);
      // One key, values of every kind: cached encodings must not mix them up.
      attempt.setAttribute('mixed', [0, -0, 1, 1.5, Number.NaN, true, '1', 'true', false][i % 9]!);
      attempt.setAttribute('gen_ai.usage.input_tokens', 12 + i);
      attempt.setAttribute('stilts.propensity', 0.25 + i / 100);
      attempt.setAttribute('stilts.cost_micro_usd', 1_234_567_890_123 * i);
      if (i % 3 === 0) attempt.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
      attempt.end();
      request.setAttribute('stilts.stream', i % 2 === 1);
      request.setAttribute('http.response.status_code', 200);
      request.end();
    }
    const { ours, sdk } = both(spans());
    expect(ours).toBe(sdk);
  });

  it('writes ids as the SDK does when they are not lower-case hex (upper case, other characters)', () => {
    const { provider, spans } = recorder();
    provider.getTracer('ids').startSpan('s').end();
    const [real] = spans();
    if (!real) throw new Error('no span');
    const ids = [
      ['0AF7651916CD43DD8448EB211C80319C', 'B7AD6B7169203331'],
      ['0af7651916cd43dd8448eb211c80319z', 'b7ad6b71692033zz'],
      ['zz7651916cd43dd8448eb211c80319c0', 'q7ad6b7169203331'],
      ['0af7651916cd43dd', 'b7ad6b71692033'],
    ];
    const odd = ids.map(
      ([traceId, spanId]) =>
        Object.assign(Object.create(real) as object, {
          spanContext: () => ({ ...real.spanContext(), traceId, spanId }),
          parentSpanContext: { ...REMOTE_PARENT, spanId: spanId! },
        }) as ReadableSpan,
    );
    const { ours, sdk } = both(odd);
    expect(ours).toBe(sdk);
  });

  it('writes every attribute type as the SDK does, unicode and edge numbers included', () => {
    const { provider, spans } = recorder({
      'service.name': 'stilts',
      'host.name': 'héte',
      'process.pid': 4242,
    });
    const tracer = provider.getTracer('edge');
    const long = 'x'.repeat(200);
    const span = tracer.startSpan('naïve ✓ name', {
      attributes: {
        empty: '',
        ascii: 'plain',
        unicode: 'grüße 日本語 🚀',
        lone: 'bad \ud800 surrogate',
        // 42 and 43 three-byte characters: 126 and 129 bytes, the length's first two-byte size.
        forty2: '✓'.repeat(42),
        forty3: '✓'.repeat(43),
        twoByte: 'é'.repeat(43),
        long,
        longUnicode: `${long}✓`,
        zero: 0,
        negative: -5,
        minInt: -(2 ** 63),
        big: 2 ** 40 + 7,
        huge: 2 ** 62,
        tooHuge: 2 ** 64,
        u32: 0xffffffff,
        float: 3.25,
        nan: Number.NaN,
        inf: Number.POSITIVE_INFINITY,
        negZero: -0,
        yes: true,
        no: false,
        strings: ['a', 'b', 'ü'],
        numbers: [1, 2.5, -3],
        bools: [true, false],
        holes: ['a', null, undefined, 'b'],
        emptyArray: [],
      },
    });
    span.addEvent('first', { 'event.key': 'v', n: 3 });
    span.addEvent('bare');
    span.addLink({ context: REMOTE_PARENT, attributes: { 'link.kind': 'follows' } });
    span.addLink({
      context: { ...REMOTE_PARENT, isRemote: false, traceState: undefined, traceFlags: 0 },
    });
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
    const { ours, sdk } = both(spans());
    expect(ours).toBe(sdk);
  });

  it('handles what the API forbids but a span processor could hand over (bytes, maps, odd values)', () => {
    const { provider, spans } = recorder();
    provider.getTracer('x').startSpan('s').end();
    const [real] = spans();
    if (!real) throw new Error('no span');
    const odd = Object.create(real) as ReadableSpan;
    Object.defineProperty(odd, 'attributes', {
      value: {
        bytes: new Uint8Array([1, 2, 255]),
        map: { inner: 'v', deeper: { n: 1 }, list: ['q'] },
        fn: () => 1,
        nothing: undefined,
        sym: Symbol('s'),
      },
    });
    Object.defineProperty(odd, 'kind', { value: undefined });
    const { ours, sdk } = both([odd]);
    expect(ours).toBe(sdk);
  });

  it('groups by resource and scope in first-seen order, and keeps nothing between batches', () => {
    const a = recorder({ 'service.name': 'a' });
    const b = recorder({ 'service.name': 'b', extra: 'yes' });
    a.provider.getTracer('one').startSpan('a1').end();
    b.provider.getTracer('one').startSpan('b1').end();
    a.provider
      .getTracer('two', '2.0.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' })
      .startSpan('a2')
      .end();
    a.provider.getTracer('one').startSpan('a3').end();
    const mixed = [...a.spans(), ...b.spans()].sort((x, y) => x.name.localeCompare(y.name));
    const ours = serializer();
    expect(both(mixed, ours).ours).toBe(both(mixed).sdk);
    // The same serialiser again, on a different batch: no state leaks from the first.
    const only = b.spans();
    expect(both(only, ours).ours).toBe(both(only).sdk);
  });

  it('re-reads a resource whose detected attributes were still pending', async () => {
    let settle: (value: string) => void = () => undefined;
    const late = new Promise<string>((resolve) => (settle = resolve));
    const resource = resourceFromAttributes({ 'service.name': 'stilts', 'host.id': late });
    const { provider, spans } = recorder();
    provider.getTracer('late').startSpan('s').end();
    const [real] = spans();
    if (!real) throw new Error('no span');
    const span = Object.create(real) as ReadableSpan;
    Object.defineProperty(span, 'resource', { value: resource });
    const ours = serializer();
    expect(resource.asyncAttributesPending).toBe(true);
    const before = both([span], ours);
    expect(before.ours).toBe(before.sdk);
    settle('host-1');
    await resource.waitForAsyncAttributes?.();
    const after = both([span], ours);
    expect(after.ours).toBe(after.sdk);
    expect(after.ours).toContain(Buffer.from('host-1').toString('hex'));
  });

  it('stays exact past its caches: many keys, many values, batches larger than its buffer', () => {
    const { provider, spans } = recorder();
    const tracer = provider.getTracer('load');
    const ours = serializer();
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < 700; i++) {
        const attributes: Attributes = {
          'stilts.request_id': `req-${batch}-${i}`,
          'stilts.outcome': i % 7 === 0 ? 'timeout' : 'success',
          [`key.${i % 300}`]: `value-${i % 5}`,
          body: 'y'.repeat(i % 150),
        };
        tracer.startSpan(`span ${i}`, { attributes }).end();
      }
      const batchSpans = spans().slice(batch * 700);
      expect(batchSpans).toHaveLength(700);
      const { ours: got, sdk } = both(batchSpans, ours);
      expect(got.length).toBeGreaterThan(2 * 64 * 1024); // more than the initial buffer
      expect(got).toBe(sdk);
    }
  });

  it('bounds its caches: a key with ever new values (request ids) stops being cached', () => {
    const { provider, spans } = recorder();
    const tracer = provider.getTracer('ids');
    const ours = serializer();
    for (let i = 0; i < 2_000; i++) {
      tracer
        .startSpan('s', { attributes: { 'stilts.request_id': `req-${i}`, [`k${i}`]: 'v' } })
        .end();
    }
    ours.serializeRequest(spans());
    expect(ours.cachedEntries()).toEqual({ keys: 128, values: 127 });
  });

  it("reads a lean span's attribute arrays, not its `attributes` object, for the SDK's bytes", () => {
    const { provider, spans } = recorder();
    const tracer = LeanTracer.from(provider.getTracer('lean'));
    if (!tracer) throw new Error('not an SDK tracer');
    for (let i = 0; i < 3; i++) {
      const span = tracer.startSpan('s', {
        attributes: { 'stilts.request_id': `req-${i}`, n: i, list: ['a', 'b'] },
      });
      span.setAttribute('n', i + 1);
      span.setAttribute('late', i % 2 === 0);
      span.end();
    }
    const lean = spans();
    expect(lean.every((s) => s instanceof LeanSpan && s.attributeArraysExact)).toBe(true);
    const read = jest.spyOn(LeanSpan.prototype, 'attributes', 'get');
    try {
      const ours = Buffer.from(serializer().serializeRequest(lean)).toString('hex');
      expect(read).not.toHaveBeenCalled();
      expect(ours).toBe(both(lean).sdk);
    } finally {
      read.mockRestore();
    }
  });

  it('returns a copy: a later batch does not change bytes already handed to the exporter', () => {
    const { provider, spans } = recorder();
    const tracer = provider.getTracer('copy');
    const ours = serializer();
    tracer.startSpan('first').end();
    const first = ours.serializeRequest(spans());
    const before = Buffer.from(first).toString('hex');
    tracer.startSpan('second, which is longer').end();
    ours.serializeRequest(spans());
    expect(Buffer.from(first).toString('hex')).toBe(before);
  });

  it('decodes collector responses with the SDK (partial success included)', () => {
    // ExportTraceServiceResponse { partial_success: { rejected_spans: 3, error_message: "no" } }
    const response = Uint8Array.from([0x0a, 0x06, 0x08, 0x03, 0x12, 0x02, 0x6e, 0x6f]);
    expect(serializer().deserializeResponse(response)).toEqual(
      ProtobufTraceSerializer.deserializeResponse(response),
    );
  });
});
