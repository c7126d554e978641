import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  createNoopMeter,
  diag,
  DiagLogLevel,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Context,
  type HrTime,
  type Link,
  type Meter,
  type MeterProvider,
  type Span,
  type SpanContext,
  type SpanStatus,
  type Tracer,
} from '@opentelemetry/api';
import { suppressTracing, TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  ParentBasedSampler,
  SamplingDecision,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type IdGenerator,
  type ReadableSpan,
  type Sampler,
  type SamplingResult,
  type Span as SdkSpan,
  type SpanProcessor,
  type TracerConfig,
} from '@opentelemetry/sdk-trace-base';
import { LeanSpan, LeanTracer } from './lean-tracer.js';
import { OtlpTraceProtoSerializer } from './otlp-trace-serializer.js';

// Every test runs one sequence of calls on an SDK tracer and on a LeanTracer over that same
// tracer (same sampler, limits, processor, sequential ids), then compares what came out:
// exported spans field by field, OTLP bytes, diagnostics, span processor calls, span metrics.

/** Explicit times, so that both runs' spans encode alike. */
const T0: HrTime = [1_700_000_000, 100];
const T1: HrTime = [1_700_000_002, 999_999_000];
const T_EVENT: HrTime = [1_700_000_001, 5];

const REMOTE_PARENT: SpanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('vendor=a1b2,other=x'),
};

/** What the API's types forbid but callers still pass (the SDK checks for it at runtime). */
function invalid(value: unknown): AttributeValue {
  return value as AttributeValue;
}

/** Ids 1, 2, 3... in hex, restarted for each run so that both runs get the same ones. */
class SequentialIds implements IdGenerator {
  private next = 0;

  reset(): void {
    this.next = 0;
  }

  generateTraceId(): string {
    return (++this.next).toString(16).padStart(32, '0');
  }

  generateSpanId(): string {
    return (++this.next).toString(16).padStart(16, '0');
  }
}

const diagnostics: string[] = [];

function show(value: unknown): string {
  return value instanceof Error ? `Error(${value.message})` : JSON.stringify(value);
}

beforeAll(() => {
  const line =
    (level: string) =>
    (message: string, ...args: unknown[]) =>
      diagnostics.push([level, message, ...args.map(show)].join(' | '));
  diag.setLogger(
    {
      error: line('error'),
      warn: line('warn'),
      info: line('info'),
      debug: line('debug'),
      verbose: line('verbose'),
    },
    { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true },
  );
});

afterAll(() => {
  diag.disable();
});

/** Span processor hooks, as a log, and every span that ended (sampled or not). */
function hookRecorder(log: string[], ended: ReadableSpan[]): SpanProcessor {
  return {
    onStart: (span: SdkSpan) => log.push(`start ${span.name} recording=${span.isRecording()}`),
    onEnding: (span: SdkSpan) => log.push(`ending ${span.name} ended=${span.ended}`),
    onEnd: (span: ReadableSpan) => {
      log.push(`end ${span.name} ended=${span.ended}`);
      ended.push(span);
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

/** A meter provider whose two counters (`otel.sdk.span.started`, `.live`) log what they get. */
function meterProvider(log: unknown[]): MeterProvider {
  // Over a copy: `createNoopMeter()` is the API's one shared no-op meter.
  const meter = Object.assign(Object.create(createNoopMeter()) as Meter, {
    createCounter: () => ({
      add: (value: number, a?: Attributes) => log.push(['started', value, a]),
    }),
    createUpDownCounter: () => ({
      add: (value: number, a?: Attributes) => log.push(['live', value, a]),
    }),
  });
  return { getMeter: () => meter };
}

interface Run {
  /** What the in-memory exporter got (sampled spans). */
  readonly spans: ReadableSpan[];
  /** Every span the processor saw end. */
  readonly ended: ReadableSpan[];
  readonly diagnostics: string[];
  readonly hooks: string[];
  readonly metrics: unknown[];
  /** What the scenario returned. */
  readonly result: unknown;
  /** Each ended lean span's `attributeArraysExact`, read before anything else looked at it. */
  readonly exact: boolean[];
}

/** Runs `scenario` on the SDK's tracer, then on a LeanTracer over the same tracer. */
function compare(
  scenario: (tracer: Tracer) => unknown,
  config: TracerConfig = {},
  processors: SpanProcessor[] = [],
): { sdk: Run; lean: Run } {
  const ids = new SequentialIds();
  const exporter = new InMemorySpanExporter();
  const hooks: string[] = [];
  const ended: ReadableSpan[] = [];
  const metrics: unknown[] = [];
  const provider = new BasicTracerProvider({
    idGenerator: ids,
    meterProvider: meterProvider(metrics),
    spanProcessors: [hookRecorder(hooks, ended), ...processors, new SimpleSpanProcessor(exporter)],
    ...config,
  });
  const sdkTracer = provider.getTracer('compare', '1.0.0');
  const leanTracer = LeanTracer.from(sdkTracer);
  if (!leanTracer) throw new Error('the SDK tracer was not recognised');
  const run = (tracer: Tracer): Run => {
    ids.reset();
    exporter.reset();
    hooks.length = 0;
    ended.length = 0;
    metrics.length = 0;
    diagnostics.length = 0;
    const result = scenario(tracer);
    return {
      spans: [...exporter.getFinishedSpans()],
      ended: [...ended],
      diagnostics: [...diagnostics],
      hooks: [...hooks],
      metrics: [...metrics],
      result,
      exact: ended.map((s) => s instanceof LeanSpan && s.attributeArraysExact),
    };
  };
  const sdk = run(sdkTracer);
  const lean = run(leanTracer);
  expect(sdk.ended.some((s) => s instanceof LeanSpan)).toBe(false);
  expect(lean.ended.every((s) => s instanceof LeanSpan)).toBe(true);
  return { sdk, lean };
}

const serializer = () =>
  new OtlpTraceProtoSerializer((data) => ProtobufTraceSerializer.deserializeResponse(data));

function hex(spans: ReadableSpan[]): string {
  return Buffer.from(serializer().serializeRequest(spans)).toString('hex');
}

/** The ReadableSpan fields, as plain data (`times`: with start, end, duration, event times). */
function fields(span: ReadableSpan, times: boolean): unknown {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    attributes: span.attributes,
    attributeOrder: Object.keys(span.attributes),
    links: span.links,
    events: span.events.map((e) => (times ? e : { ...e, time: undefined })),
    status: span.status,
    ended: span.ended,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    ...(times ? { startTime: span.startTime, endTime: span.endTime, duration: span.duration } : {}),
  };
}

/**
 * Both runs agree: the OTLP bytes of the exported spans first (while the lean spans' attribute
 * arrays are still what the encoder reads), then every field, the diagnostics, the processor
 * calls, the span metrics and what the scenario returned.
 */
function expectSame({ sdk, lean }: { sdk: Run; lean: Run }, options: { times: boolean }): void {
  if (options.times && sdk.spans.length > 0) expect(hex(lean.spans)).toBe(hex(sdk.spans));
  expect(lean.ended.map((s) => fields(s, options.times))).toStrictEqual(
    sdk.ended.map((s) => fields(s, options.times)),
  );
  expect(lean.spans.map((s) => s.spanContext())).toStrictEqual(
    sdk.spans.map((s) => s.spanContext()),
  );
  for (let i = 0; i < sdk.ended.length; i++) {
    expect(lean.ended[i]?.resource).toBe(sdk.ended[i]?.resource);
    expect(lean.ended[i]?.instrumentationScope).toBe(sdk.ended[i]?.instrumentationScope);
  }
  expect(lean.diagnostics).toStrictEqual(sdk.diagnostics);
  expect(lean.hooks).toStrictEqual(sdk.hooks);
  expect(lean.metrics).toStrictEqual(sdk.metrics);
  expect(lean.result).toStrictEqual(sdk.result);
}

const EVERY_TYPE: Attributes = {
  str: 'plain',
  empty: '',
  unicode: 'grüße 日本語 🚀',
  int: 42,
  negative: -7,
  big: 2 ** 40 + 7,
  float: 1.5,
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
  nothing: undefined,
  nil: invalid(null),
  object: invalid({ a: 1 }),
  mixed: invalid(['a', 1]),
  fn: invalid(() => 1),
  symbol: invalid(Symbol('s')),
  '': 'an empty key',
};

describe('LeanTracer and LeanSpan, against the SDK', () => {
  it('keep every attribute type and refuse invalid keys and values, as the SDK does', () => {
    const result = compare((tracer) => {
      const caller = ['x', 'y'];
      const span = tracer.startSpan('types', {
        attributes: { ...EVERY_TYPE, caller },
        startTime: T0,
      });
      caller.push('changed after start'); // the span kept a copy
      for (const [key, value] of Object.entries(EVERY_TYPE))
        span.setAttribute(`set.${key}`, invalid(value));
      span.setAttribute('', 'empty key');
      span.setAttributes({ 'bulk.a': 1, 'bulk.bad': invalid({}), 'bulk.none': undefined });
      const live = ['p'];
      span.setAttribute('set.live', live);
      live.push('changed after set');
      span.end(T1);
    });
    expectSame(result, { times: true });
    expect(result.lean.exact).toEqual([true]);
    const [span] = result.lean.ended;
    expect(span?.attributes.caller).toEqual(['x', 'y']);
    expect(span?.attributes['set.live']).toEqual(['p']);
    expect(result.lean.diagnostics.filter((d) => d.startsWith('warn'))).toHaveLength(11);
  });

  it('overwrite a key in place and append new ones', () => {
    const result = compare((tracer) => {
      const span = tracer.startSpan('overwrite', {
        attributes: { a: 1, b: 'two', c: true },
        startTime: T0,
      });
      span.setAttribute('b', 'changed');
      span.setAttribute('d', 4);
      span.setAttribute('a', 'now a string');
      span.setAttribute('b', invalid(undefined));
      span.end(T1);
    });
    expectSame(result, { times: true });
    expect(result.lean.ended[0]?.attributes).toStrictEqual({
      a: 'now a string',
      b: 'changed',
      c: true,
      d: 4,
    });
    expect(Object.keys(result.lean.ended[0]?.attributes ?? {})).toEqual(['a', 'b', 'c', 'd']);
  });

  it('find keys past the first 32 as fast and as right', () => {
    const result = compare(
      (tracer) => {
        const initial: Attributes = {};
        for (let i = 0; i < 20; i++) initial[`init.${i}`] = i;
        const span = tracer.startSpan('many', { attributes: initial, startTime: T0 });
        for (let i = 0; i < 100; i++) span.setAttribute(`key.${i}`, `v${i}`);
        for (const i of [0, 5, 31, 32, 80, 99]) span.setAttribute(`key.${i}`, `again ${i}`);
        span.setAttribute('init.3', 'changed');
        span.setAttribute('init.19', 'changed');
        span.end(T1);
      },
      { spanLimits: { attributeCountLimit: 1_000 } },
    );
    expectSame(result, { times: true });
    expect(Object.keys(result.lean.ended[0]?.attributes ?? {})).toHaveLength(120);
  });

  it('enforce attributeCountLimit: new keys past it are dropped and counted, overwrites allowed', () => {
    const result = compare(
      (tracer) => {
        const span = tracer.startSpan('limited', {
          attributes: { a: 1, b: 2, c: 3, d: 4, e: 5 },
          startTime: T0,
        });
        span.setAttribute('a', 'over the limit, but an overwrite');
        span.setAttribute('f', 6);
        span.setAttribute('g', invalid(undefined)); // ignored, not dropped
        span.setAttributes({ c: 'again', h: 8 });
        span.end(T1);
      },
      { spanLimits: { attributeCountLimit: 3 } },
    );
    expectSame(result, { times: true });
    expect(result.lean.ended[0]?.droppedAttributesCount).toBe(4);
    expect(result.lean.ended[0]?.attributes).toStrictEqual({
      a: 'over the limit, but an overwrite',
      b: 2,
      c: 'again',
    });
  });

  it('truncate strings and strings in arrays to attributeValueLengthLimit', () => {
    const result = compare(
      (tracer) => {
        const span = tracer.startSpan('truncated', {
          attributes: { s: 'abcdefgh', list: ['abcdef', 'ab', null], n: 123_456_789, b: true },
          links: [{ context: REMOTE_PARENT, attributes: { link: 'long link value' } }],
          startTime: T0,
        });
        span.setAttribute('t', '123456');
        span.setAttribute('s', 'overwritten long');
        span.setAttribute('u', ['éééééé', 'x']);
        span.addEvent('e', { event: 'long event value', n: 1 }, T_EVENT);
        span.end(T1);
      },
      { spanLimits: { attributeValueLengthLimit: 4 } },
    );
    expectSame(result, { times: true });
    expect(result.lean.ended[0]?.attributes).toMatchObject({
      s: 'over',
      list: ['abcd', 'ab', null],
      t: '1234',
      u: ['éééé', 'x'],
    });
  });

  it('warn on every attribute when attributeValueLengthLimit is not positive', () => {
    const result = compare(
      (tracer) => {
        const caller = ['x'];
        const span = tracer.startSpan('zero', {
          attributes: { s: 'abc', n: 1, caller },
          startTime: T0,
        });
        // Nothing truncates, so nothing copies: only the initial attributes were copied.
        caller.push('changed after start');
        const live = ['y'];
        span.setAttribute('live', live);
        live.push('changed after set');
        span.setAttribute('t', 'def');
        span.addEvent('e', { x: 'y', none: undefined }, T_EVENT);
        span.end(T1);
      },
      { spanLimits: { attributeValueLengthLimit: 0 } },
    );
    expectSame(result, { times: true });
    expect(result.lean.diagnostics.filter((d) => d.includes('must be positive'))).toHaveLength(7);
    expect(result.lean.ended[0]?.attributes).toMatchObject({
      caller: ['x'],
      live: ['y', 'changed after set'],
    });
  });

  it('list array-index keys first and drop `__proto__` as the SDK object does (the encoder reads that object)', () => {
    const result = compare(
      (tracer) => {
        // JSON.parse makes `__proto__` an own key, as a caller's parsed object would have it.
        const initial = JSON.parse(
          '{"b":1,"__proto__":"p","2":"two","1":"one","10x":"ten"}',
        ) as Attributes;
        const span = tracer.startSpan('order', { attributes: initial, startTime: T0 });
        span.setAttribute('__proto__', 'counted, never kept');
        span.setAttribute('__proto__', 'counted again');
        span.setAttribute('0', 'zero');
        span.setAttribute('late', 'dropped: the limit counted __proto__ twice');
        span.end(T1);
      },
      { spanLimits: { attributeCountLimit: 7 } },
    );
    expect(result.lean.exact).toEqual([false]);
    expectSame(result, { times: true });
    expect(Object.keys(result.lean.ended[0]?.attributes ?? {})).toEqual([
      '0',
      '1',
      '2',
      'b',
      '10x',
    ]);
    expect(result.lean.ended[0]?.droppedAttributesCount).toBe(1);
  });

  it('keep events with their limits: count (oldest dropped), attributes per event, times', () => {
    const result = compare(
      (tracer) => {
        const span = tracer.startSpan('events', { startTime: T0 });
        span.addEvent('a', T_EVENT);
        span.addEvent('b', { x: 1, y: 2, z: invalid({}) }, T_EVENT);
        span.addEvent('c', T0, T_EVENT);
        span.addEvent('d', { kept: 'one', dropped: 'two' }, new Date(1_700_000_001_500));
        span.addEvent('e', { n: 5 }, 1_700_000_001_250);
        span.end(T1);
      },
      { spanLimits: { eventCountLimit: 3, attributePerEventCountLimit: 1 } },
    );
    expectSame(result, { times: true });
    expect(result.lean.ended[0]?.events.map((e) => e.name)).toEqual(['c', 'd', 'e']);
    expect(result.lean.ended[0]?.droppedEventsCount).toBe(2);
  });

  it('drop every event when eventCountLimit is 0, and every link when linkCountLimit is 0', () => {
    const result = compare(
      (tracer) => {
        const span = tracer.startSpan('none', {
          startTime: T0,
          links: [{ context: REMOTE_PARENT }],
        });
        span.addEvent('a', T_EVENT);
        span.addLink({ context: REMOTE_PARENT });
        span.end(T1);
      },
      { spanLimits: { eventCountLimit: 0, linkCountLimit: 0 } },
    );
    expectSame(result, { times: true });
    expect(result.lean.ended[0]?.droppedEventsCount).toBe(1);
    expect(result.lean.ended[0]?.droppedLinksCount).toBe(2);
  });

  it('keep links with their limits, from the options and added later', () => {
    const local: SpanContext = { ...REMOTE_PARENT, isRemote: false, traceState: undefined };
    const result = compare(
      (tracer) => {
        const span = tracer.startSpan('links', {
          startTime: T0,
          links: [
            { context: REMOTE_PARENT, attributes: { a: 1, b: 2, bad: invalid({}) } },
            { context: local },
          ],
        });
        span.addLink({ context: local, attributes: { kind: 'follows' } });
        span.addLinks([
          { context: REMOTE_PARENT, attributes: { c: 3, d: 4 }, droppedAttributesCount: 9 },
          { context: local, attributes: {} },
        ]);
        span.end(T1);
      },
      { spanLimits: { linkCountLimit: 3, attributePerLinkCountLimit: 1 } },
    );
    expectSame(result, { times: true });
    expect(result.lean.ended[0]?.droppedLinksCount).toBe(2);
  });

  it('apply the status rules: UNSET ignored, OK final, a message only for ERROR and only a string', () => {
    const statuses: SpanStatus[][] = [
      [{ code: SpanStatusCode.ERROR, message: 'first' }, { code: SpanStatusCode.UNSET }],
      [
        { code: SpanStatusCode.OK, message: 'dropped' },
        { code: SpanStatusCode.ERROR, message: 'x' },
      ],
      [{ code: SpanStatusCode.ERROR, message: invalid(42) as string }],
      [{ code: SpanStatusCode.ERROR }, { code: SpanStatusCode.ERROR, message: 'later' }],
    ];
    const result = compare((tracer) => {
      statuses.forEach((sequence, i) => {
        const span = tracer.startSpan(`status ${i}`, { startTime: T0 });
        for (const status of sequence) span.setStatus(status);
        span.end(T1);
      });
    });
    expectSame(result, { times: true });
    expect(result.lean.ended.map((s) => s.status)).toStrictEqual([
      { code: SpanStatusCode.ERROR, message: 'first' },
      { code: SpanStatusCode.OK },
      { code: SpanStatusCode.ERROR },
      { code: SpanStatusCode.ERROR, message: 'later' },
    ]);
  });

  it('end once: a second end() is an error and no second onEnd; later writes are ignored', () => {
    const result = compare((tracer) => {
      const span = tracer.startSpan('once', { startTime: T0, attributes: { kept: 1 } });
      span.updateName('renamed');
      span.end(T1);
      const recording = span.isRecording();
      span.end(T1);
      span.setAttribute('late', 1);
      span.setAttributes({ later: 2 });
      span.addEvent('late', T_EVENT);
      span.addLink({ context: REMOTE_PARENT });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'late' });
      span.updateName('late name');
      span.recordException(new Error('late'), T_EVENT);
      return recording;
    });
    expectSame(result, { times: true });
    expect(result.lean.result).toBe(false);
    expect(result.lean.ended).toHaveLength(1);
    expect(result.lean.ended[0]?.name).toBe('renamed');
    expect(result.lean.diagnostics.filter((d) => d.startsWith('error'))).toEqual([
      // The SDK draws the span id first, then the trace id.
      `error | renamed ${'2'.padStart(32, '0')}-${'1'.padStart(16, '0')} - You can only call end() on a span once.`,
    ]);
  });

  it('follow parents: remote with trace state, local, invalid, and `root` starting a new trace', () => {
    const result = compare((tracer) => {
      const remote = trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT);
      const request = tracer.startSpan(
        'remote child',
        { kind: SpanKind.SERVER, startTime: T0 },
        remote,
      );
      const local = trace.setSpan(ROOT_CONTEXT, request);
      tracer.startSpan('local child', { kind: SpanKind.CLIENT, startTime: T0 }, local).end(T1);
      const invalidParent = trace.setSpanContext(ROOT_CONTEXT, {
        ...REMOTE_PARENT,
        traceId: '00000000000000000000000000000000',
      });
      tracer.startSpan('invalid parent', { startTime: T0 }, invalidParent).end(T1);
      tracer.startSpan('root', { root: true, startTime: T0 }, remote).end(T1);
      tracer.startSpan('no context', { startTime: T0 }).end(T1);
      request.end(T1);
    });
    expectSame(result, { times: true });
    const byName = new Map(result.lean.ended.map((s) => [s.name, s]));
    expect(byName.get('remote child')?.spanContext().traceId).toBe(REMOTE_PARENT.traceId);
    expect(byName.get('remote child')?.spanContext().traceState?.serialize()).toBe(
      'vendor=a1b2,other=x',
    );
    expect(byName.get('local child')?.parentSpanContext?.spanId).toBe(
      byName.get('remote child')?.spanContext().spanId,
    );
    expect(byName.get('root')?.parentSpanContext).toBeUndefined();
    expect(byName.get('root')?.spanContext().traceId).not.toBe(REMOTE_PARENT.traceId);
  });

  /** Spans that are not sampled: their contexts (and their children's) must still propagate. */
  const unsampled = (tracer: Tracer) => {
    const unsampledParent = trace.setSpanContext(ROOT_CONTEXT, {
      ...REMOTE_PARENT,
      traceFlags: TraceFlags.NONE,
    });
    const contexts: unknown[] = [];
    for (const parent of [ROOT_CONTEXT, unsampledParent]) {
      const span = tracer.startSpan('maybe', { attributes: { a: 1 } }, parent);
      const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, span));
      contexts.push({
        span: span.spanContext(),
        recording: span.isRecording(),
        child: child.spanContext(),
        childRecording: child.isRecording(),
      });
      child.end();
      span.end();
    }
    return contexts;
  };

  it.each<[string, Sampler]>([
    ['AlwaysOffSampler', new AlwaysOffSampler()],
    [
      'ParentBasedSampler (root always off)',
      new ParentBasedSampler({ root: new AlwaysOffSampler() }),
    ],
    ['TraceIdRatioBasedSampler(0)', new TraceIdRatioBasedSampler(0)],
  ])('make non-recording spans that still carry their context with %s', (_name, sampler) => {
    const result = compare(unsampled, { sampler });
    expectSame(result, { times: false });
    expect(result.lean.ended).toHaveLength(0);
    const [root, remote] = result.lean.result as {
      span: SpanContext;
      recording: boolean;
      child: SpanContext;
    }[];
    expect(root).toMatchObject({ recording: false, span: { traceFlags: 0 } });
    expect(root?.child.traceId).toBe(root?.span.traceId);
    expect(remote?.span.traceId).toBe(REMOTE_PARENT.traceId);
    expect(remote?.span.traceState?.serialize()).toBe('vendor=a1b2,other=x');
  });

  it('follow a parent-based sampler: an unsampled remote parent is not recorded, a new root is', () => {
    const result = compare(unsampled, {
      sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    });
    expectSame(result, { times: false });
    const [root, remote] = result.lean.result as { recording: boolean }[];
    expect(root).toMatchObject({ recording: true, childRecording: true });
    expect(remote).toMatchObject({ recording: false, childRecording: false });
    expect(result.lean.ended.map((s) => s.name)).toEqual(['child', 'maybe']);
  });

  it('decide for the default samplers themselves, as they would, and ask every other sampler', () => {
    // Roots, and children of sampled and unsampled, remote and local parents.
    const scenario = (tracer: Tracer) => {
      const local = tracer.startSpan('local root');
      const localContext = trace.setSpan(ROOT_CONTEXT, local);
      const unsampledLocal = trace.setSpanContext(ROOT_CONTEXT, {
        ...local.spanContext(),
        traceFlags: TraceFlags.NONE,
      });
      const remoteUnsampled = trace.setSpanContext(ROOT_CONTEXT, {
        ...REMOTE_PARENT,
        traceFlags: TraceFlags.NONE,
      });
      const parents = [
        localContext,
        unsampledLocal,
        trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT),
      ];
      const spans = [
        local,
        ...[...parents, remoteUnsampled].map((p) => tracer.startSpan('c', {}, p)),
      ];
      for (const span of spans.reverse()) span.end();
      return spans.map((span) => ({ context: span.spanContext(), recording: span.isRecording() }));
    };
    const cases: [Sampler, boolean][] = [
      [new AlwaysOnSampler(), false],
      [new ParentBasedSampler({ root: new AlwaysOnSampler() }), false],
      [new ParentBasedSampler({ root: new AlwaysOffSampler() }), true],
      [
        new ParentBasedSampler({
          root: new AlwaysOnSampler(),
          remoteParentNotSampled: new AlwaysOnSampler(),
        }),
        true,
      ],
      [new TraceIdRatioBasedSampler(1), true],
      [new AlwaysOffSampler(), true],
    ];
    for (const [sampler, asked] of cases) {
      const shouldSample = jest.spyOn(sampler, 'shouldSample');
      const result = compare(scenario, { sampler });
      expectSame(result, { times: false });
      // The SDK's tracer asked once per span (5); the lean one, only when `asked`.
      expect(shouldSample).toHaveBeenCalledTimes(asked ? 10 : 5);
    }
  });

  it('check a parent it did not make, or whose ids it cannot vouch for, as the SDK does', () => {
    // An id generator that can make an invalid trace id: children of such a span start a trace.
    let calls = 0;
    const ids: IdGenerator = {
      generateTraceId: () => (++calls % 2 === 1 ? '0'.repeat(32) : 'a'.repeat(32)),
      generateSpanId: () => (++calls).toString(16).padStart(16, '0'),
    };
    const result = compare(
      (tracer) => {
        calls = 0;
        const root = tracer.startSpan('root');
        const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
        child.end();
        root.end();
        return [root.spanContext(), child.spanContext(), child.isRecording()];
      },
      { idGenerator: ids },
    );
    expectSame(result, { times: false });
    const [root, child] = result.lean.ended as LeanSpan[];
    expect(root?.contextKnownValid).toBe(false);
    expect(child?.parentSpanContext).toBeUndefined();
    expect(child?.spanContext().traceId).toBe('a'.repeat(32));

    // The SDK's random ids are always valid: its spans' children need not check them again.
    const provider = new BasicTracerProvider();
    const lean = LeanTracer.from(provider.getTracer('x'));
    const parent = lean?.startSpan('p') as LeanSpan;
    const kid = lean?.startSpan('k', {}, trace.setSpan(ROOT_CONTEXT, parent)) as LeanSpan;
    expect([parent.contextKnownValid, kid.contextKnownValid]).toEqual([true, true]);
    expect(kid.parentSpanContext).toBe(parent.spanContext());
    expect(kid.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(trace.isSpanContextValid(kid.spanContext())).toBe(true);
  });

  it('start spans from a frozen attribute object checked once, as from a fresh copy', () => {
    const base = Object.freeze({ 'a.str': 'value', 'a.num': 7, 'a.bool': true, '7': 'index' });
    const scenario = (tracer: Tracer) => {
      const first = tracer.startSpan('first', { attributes: base, startTime: T0 });
      first.setAttribute('b', 1);
      const second = tracer.startSpan('second', { attributes: base, startTime: T0 });
      second.setAttribute('a.num', 8); // overwrites one of the prepared keys
      second.setAttribute('c', 'x');
      const third = tracer.startSpan('third', { attributes: base, startTime: T0 });
      for (const span of [first, second, third]) span.end(T1);
    };
    const configs: [TracerConfig, boolean[]][] = [
      [{}, [true, false, true]],
      [{ spanLimits: { attributeCountLimit: 3 } }, [false, false, false]],
      [{ spanLimits: { attributeValueLengthLimit: 3 } }, [false, false, false]],
    ];
    for (const [config, prepared] of configs) {
      const result = compare(scenario, config);
      expectSame(result, { times: true });
      const bases = (result.lean.ended as LeanSpan[]).map((s) => s.attributeBase !== undefined);
      expect(bases).toEqual(prepared);
    }
    // What a span would not store as it is (null, arrays, empty keys) is copied, never prepared.
    for (const attributes of [
      Object.freeze({ a: 1, nothing: undefined }),
      Object.freeze({ a: ['x'] }),
      Object.freeze({ '': 1 }),
      { a: 1 }, // not frozen: may change between spans
    ]) {
      const result = compare((tracer) => {
        tracer.startSpan('s', { attributes, startTime: T0 }).end(T1);
        tracer.startSpan('s', { attributes, startTime: T0 }).end(T1);
      });
      expectSame(result, { times: true });
      expect(result.lean.ended.every((s) => (s as LeanSpan).attributeBase === undefined)).toBe(
        true,
      );
    }
  });

  it('return a non-recording span with the invalid context when tracing is suppressed', () => {
    const result = compare((tracer) => {
      const span = tracer.startSpan('suppressed', {}, suppressTracing(ROOT_CONTEXT));
      span.end();
      return { context: span.spanContext(), recording: span.isRecording() };
    });
    expectSame(result, { times: false });
    expect(result.lean.result).toStrictEqual({ context: INVALID_SPAN_CONTEXT, recording: false });
  });

  it('give any other sampler what the SDK gives it, and merge its attributes and trace state', () => {
    /** Records what it is given, changes it (as the SDK allows), adds its own attributes. */
    class AttributeSampler implements Sampler {
      readonly seen: unknown[] = [];

      constructor(
        private readonly decision: SamplingDecision,
        private readonly ownAttributes: Attributes | undefined,
      ) {}

      shouldSample(
        _context: Context,
        traceId: string,
        name: string,
        kind: SpanKind,
        attributes: Attributes,
        links: Link[],
      ): SamplingResult {
        this.seen.push({ traceId, name, kind, attributes: { ...attributes }, links: [...links] });
        attributes['added.by.sampler'] = 'in place';
        return {
          decision: this.decision,
          attributes: this.ownAttributes,
          traceState: new TraceState('sampler=1'),
        };
      }

      toString(): string {
        return 'AttributeSampler';
      }
    }
    const own = { 'sampler.attr': 1, shared: 'from the sampler', bad: invalid({}) };
    const cases: [SamplingDecision, Attributes | undefined, Attributes][] = [
      [SamplingDecision.RECORD, own, { shared: 'from the sampler' }],
      [SamplingDecision.RECORD_AND_SAMPLED, own, { shared: 'from the sampler' }],
      // Changes what it was given, adds nothing: the change still shows.
      [SamplingDecision.RECORD_AND_SAMPLED, undefined, { shared: 'from the caller' }],
    ];
    for (const [decision, ownAttributes, expected] of cases) {
      const sampler = new AttributeSampler(decision, ownAttributes);
      const result = compare(
        (tracer) => {
          const seenBefore = sampler.seen.length;
          const span = tracer.startSpan('sampled', {
            kind: SpanKind.PRODUCER,
            attributes: { a: 1, shared: 'from the caller', list: ['x'], bad: invalid({}) },
            links: [{ context: REMOTE_PARENT, attributes: { l: 1, bad: invalid({}) } }],
            startTime: T0,
          });
          span.end(T1);
          return sampler.seen.slice(seenBefore);
        },
        { sampler, spanLimits: { attributeCountLimit: 4 } },
      );
      expectSame(result, { times: true });
      const [span] = result.lean.ended;
      expect(span?.spanContext().traceFlags).toBe(
        decision === SamplingDecision.RECORD ? TraceFlags.NONE : TraceFlags.SAMPLED,
      );
      expect(span?.spanContext().traceState?.serialize()).toBe('sampler=1');
      expect(span?.attributes).toStrictEqual({
        a: 1,
        shared: expected.shared,
        list: ['x'],
        'added.by.sampler': 'in place',
      });
      expect(span?.droppedAttributesCount).toBe(ownAttributes ? 1 : 0);
      // What the sampler was given: sanitized copies (attributes and links).
      expect(result.lean.result).toStrictEqual([
        {
          traceId: '2'.padStart(32, '0'),
          name: 'sampled',
          kind: SpanKind.PRODUCER,
          attributes: { a: 1, shared: 'from the caller', list: ['x'] },
          links: [{ context: REMOTE_PARENT, attributes: { l: 1 } }],
        },
      ]);
    }
  });

  it('give a subclass of an SDK sampler the attributes too (only the SDK classes are known blind)', () => {
    class Peeking extends AlwaysOnSampler {
      readonly seen: Attributes[] = [];

      override shouldSample(...args: unknown[]): SamplingResult {
        this.seen.push({ ...(args[4] as Attributes) });
        return super.shouldSample();
      }
    }
    const sampler = new Peeking();
    const result = compare(
      (tracer) => {
        tracer.startSpan('peeked', { attributes: { route: 'r' }, startTime: T0 }).end(T1);
      },
      { sampler },
    );
    expectSame(result, { times: true });
    expect(sampler.seen).toStrictEqual([{ route: 'r' }, { route: 'r' }]);
  });

  it('take start times as epoch ms, Date and HrTime exactly, and performance times with the same offset', () => {
    const epoch = Date.now() - 1_500;
    const result = compare((tracer) => {
      tracer.startSpan('epoch', { startTime: epoch }).end(epoch + 250.5);
      tracer.startSpan('date', { startTime: new Date(epoch) }).end(new Date(epoch + 10));
      tracer.startSpan('hrtime', { startTime: T0 }).end(T1);
      tracer.startSpan('backwards', { startTime: T1 }).end(T0);
    });
    expectSame(result, { times: true });
    expect(result.lean.ended[3]?.duration).toEqual([0, 0]);

    const ms = (t: HrTime | undefined) => (t ? t[0] * 1e3 + t[1] / 1e6 : Number.NaN);
    const perf = compare((tracer) => {
      const started = performance.now() - 250;
      const span = tracer.startSpan('performance', { startTime: started });
      span.addEvent('performance event', performance.now() - 100);
      span.end(performance.now());
      const defaulted = tracer.startSpan('default');
      defaulted.addEvent('default event');
      defaulted.end();
      tracer.startSpan('given start, end now', { startTime: epoch }).end();
    });
    expectSame(perf, { times: false });
    // Performance times are converted with an offset each span measures: the runs differ by
    // the time between them, not by 250 ms nor by the clocks' origin.
    for (let i = 0; i < perf.sdk.ended.length; i++) {
      const [sdk, lean] = [perf.sdk.ended[i], perf.lean.ended[i]];
      expect(Math.abs(ms(lean?.startTime) - ms(sdk?.startTime))).toBeLessThan(50);
      expect(Math.abs(ms(lean?.endTime) - ms(sdk?.endTime))).toBeLessThan(50);
      expect(Math.abs(ms(lean?.duration) - ms(sdk?.duration))).toBeLessThan(20);
      if (sdk?.events[0]) {
        expect(Math.abs(ms(lean?.events[0]?.time) - ms(sdk.events[0].time))).toBeLessThan(50);
      }
    }
    const [performanceSpan] = perf.lean.ended;
    expect(Math.abs(ms(performanceSpan?.startTime) - (Date.now() - 250))).toBeLessThan(1_000);
    expect(ms(performanceSpan?.duration)).toBeGreaterThanOrEqual(249);
  });

  it('record exceptions as the SDK does (code, name, message, stack; nothing usable: a warning)', () => {
    const error = new Error('boom');
    error.stack = 'Error: boom\n    at test';
    const result = compare((tracer) => {
      const span = tracer.startSpan('exceptions', { startTime: T0 });
      span.recordException('just a message', T_EVENT);
      span.recordException(error, T_EVENT);
      span.recordException({ code: 42, message: 'coded' }, T_EVENT);
      span.recordException({ code: 'ECONNRESET' }, T_EVENT);
      span.recordException({ name: 'Named' }, T_EVENT);
      span.recordException(invalid({}) as string, T_EVENT);
      span.end(T1);
    });
    expectSame(result, { times: true });
    expect(result.lean.ended[0]?.events.map((e) => e.attributes)).toStrictEqual([
      { 'exception.message': 'just a message' },
      {
        'exception.type': 'Error',
        'exception.message': 'boom',
        'exception.stacktrace': error.stack,
      },
      { 'exception.type': '42', 'exception.message': 'coded' },
      { 'exception.type': 'ECONNRESET' },
      { 'exception.type': 'Named' },
    ]);
  });

  it('show processors the span as the SDK does: attributes at onStart, writes in onEnding, a live `attributes`', () => {
    const seen: string[] = [];
    const reader: SpanProcessor = {
      onStart: (span: SdkSpan) => seen.push(`start ${JSON.stringify(span.attributes)}`),
      onEnding: (span: SdkSpan) => {
        span.setAttribute('set.in.onEnding', span.isRecording());
        seen.push(`ending ${JSON.stringify(span.attributes)}`);
      },
      onEnd: (span: ReadableSpan) => seen.push(`end ${JSON.stringify(span.attributes)}`),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const runs: string[][] = [];
    const result = compare(
      (tracer) => {
        seen.length = 0;
        const span = tracer.startSpan('read', { attributes: { a: 1 }, startTime: T0 }) as SdkSpan;
        const before = span.attributes;
        span.setAttribute('b', 2);
        span.setAttribute('a', 'one');
        span.end(T1);
        runs.push([...seen]);
        return { same: before === span.attributes };
      },
      {},
      [reader],
    );
    expectSame(result, { times: true });
    expect(runs[1]).toStrictEqual(runs[0]);
    expect(result.lean.result).toStrictEqual({ same: true });
    expect(runs[1]).toEqual([
      'start {"a":1}',
      'ending {"a":"one","b":2,"set.in.onEnding":true}',
      'end {"a":"one","b":2,"set.in.onEnding":true}',
    ]);
  });

  it('encode a lean span whose `attributes` was read, and later written, as the SDK span', () => {
    const result = compare((tracer) => {
      const span = tracer.startSpan('read early', {
        attributes: { a: 1 },
        startTime: T0,
      }) as SdkSpan;
      // A processor or exporter that changed the object it was handed.
      (span.attributes as Record<string, AttributeValue>).patched = 'by a processor';
      span.setAttribute('b', 2);
      span.end(T1);
    });
    expect(result.lean.exact).toEqual([false]);
    expectSame(result, { times: true });
    expect(result.lean.ended[0]?.attributes).toStrictEqual({
      a: 1,
      patched: 'by a processor',
      b: 2,
    });
  });

  it('start active spans as the SDK does (2, 3 and 4 arguments)', () => {
    const result = compare((tracer) => {
      const parent = trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT);
      const returned = [
        tracer.startActiveSpan('two', (span) => {
          span.end();
          return 2;
        }),
        tracer.startActiveSpan('three', { attributes: { n: 3 }, startTime: T0 }, (span) => {
          span.end(T1);
          return span instanceof LeanSpan;
        }),
        tracer.startActiveSpan('four', { startTime: T0 }, parent, (span: Span) => {
          span.end(T1);
          return span.spanContext().traceId;
        }),
      ];
      return returned.map((r, i) => (i === 1 ? typeof r : r));
    });
    expectSame(result, { times: false });
    expect(result.lean.result).toStrictEqual([2, 'boolean', REMOTE_PARENT.traceId]);
  });

  it('write the OTLP bytes of the SDK span for the gateway shape of spans, cache warm or cold', () => {
    const result = compare((tracer) => {
      for (let i = 0; i < 30; i++) {
        const parent =
          i % 2 === 0 ? trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT) : ROOT_CONTEXT;
        const request = tracer.startSpan(
          'chat route',
          {
            kind: SpanKind.SERVER,
            startTime: T0,
            attributes: {
              'gen_ai.operation.name': 'chat',
              'stilts.request_id': `req-${i}`,
              'stilts.route': 'route',
              'stilts.stream': i % 3 === 0 ? true : undefined,
            },
          },
          parent,
        );
        const attempt = tracer.startSpan(
          'chat model',
          {
            kind: SpanKind.CLIENT,
            startTime: T0,
            attributes: Object.freeze({ 'gen_ai.system': 'openai', 'stilts.deployment': 'd' }),
          },
          trace.setSpan(ROOT_CONTEXT, request),
        );
        attempt.setAttribute('stilts.attempt', 1);
        attempt.setAttribute('mixed', [0, -0, 1.5, Number.NaN, true, '1', 'x'.repeat(i)][i % 7]!);
        attempt.setAttribute('stilts.cost_micro_usd', 1_234_567_890_123 * i);
        if (i % 4 === 0) attempt.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
        attempt.end(T1);
        request.setAttribute('http.response.status_code', 200);
        request.end(T1);
      }
    });
    expect(result.lean.exact.every(Boolean)).toBe(true);
    expectSame(result, { times: true });
    // One serializer for both, its caches filled by the SDK's spans first.
    const shared = serializer();
    const sdkBytes = Buffer.from(shared.serializeRequest(result.sdk.spans)).toString('hex');
    expect(Buffer.from(shared.serializeRequest(result.lean.spans)).toString('hex')).toBe(sdkBytes);
  });
});

describe('LeanTracer.from', () => {
  it('wraps the SDK tracer, returns a lean tracer itself, and refuses anything else', () => {
    const provider = new BasicTracerProvider();
    const lean = LeanTracer.from(provider.getTracer('x'));
    expect(lean).toBeInstanceOf(LeanTracer);
    if (!lean) return;
    expect(LeanTracer.from(lean)).toBe(lean);
    expect(LeanTracer.from(trace.getTracer('global, no provider registered'))).toBeUndefined();
    const wrapper: Tracer = {
      startSpan: (...args) => provider.getTracer('x').startSpan(...args),
      startActiveSpan: () => undefined as never,
    };
    expect(LeanTracer.from(wrapper)).toBeUndefined();
    const almost = Object.assign(Object.create(null) as object, provider.getTracer('x'), {
      _tracerMetrics: undefined,
    }) as Tracer;
    expect(LeanTracer.from(almost)).toBeUndefined();
    // A sampler without a prototype (no class name to recognise) is given what the SDK gives.
    const seen: Attributes[] = [];
    const bare = Object.assign(Object.create(null) as object, {
      shouldSample: (...args: unknown[]) => {
        seen.push(args[4] as Attributes);
        return { decision: SamplingDecision.RECORD_AND_SAMPLED };
      },
    }) as Sampler;
    const sampled = LeanTracer.from(new BasicTracerProvider({ sampler: bare }).getTracer('x'));
    expect(sampled?.startSpan('s', { attributes: { a: 1 } })).toBeInstanceOf(LeanSpan);
    expect(seen).toStrictEqual([{ a: 1 }]);
  });

  it("skips the SDK's span metrics only when they go to a no-op meter", () => {
    const metrics = (provider: BasicTracerProvider) =>
      Reflect.get(LeanTracer.from(provider.getTracer('x')) ?? {}, 'metrics') as unknown;
    // No meter provider (as NodeSDK without metric readers): the SDK counts into a no-op meter.
    expect(metrics(new BasicTracerProvider())).toBeUndefined();
    const log: unknown[] = [];
    expect(metrics(new BasicTracerProvider({ meterProvider: meterProvider(log) }))).toBeDefined();
    const lean = LeanTracer.from(
      new BasicTracerProvider({ meterProvider: meterProvider(log) }).getTracer('x'),
    );
    lean?.startSpan('counted').end();
    expect(log).toHaveLength(3); // started, live +1, live -1
  });
});
